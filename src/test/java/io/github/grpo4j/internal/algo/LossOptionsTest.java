package io.github.grpo4j.internal.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** LossOptions accepts exactly the ε the config documents: the open interval (0, 1), and ε_high &gt; 0. */
class LossOptionsTest {

    private static LossOptions withEpsilon(double low, double high) {
        return new LossOptions(low, high, 0, ImportanceSamplingLevel.TOKEN, 0.04, KlEstimator.K3, LossType.GRPO);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -0.1, 1.5, Double.NaN})
    void epsilonOutsideTheOpenUnitIntervalIsRejected(double eps) {
        assertThatThrownBy(() -> withEpsilon(eps, 0.2)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("epsilon must be in (0, 1)");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.1, Double.POSITIVE_INFINITY, Double.NaN})
    void epsilonHighMustBePositiveAndFinite(double eps) {
        assertThatThrownBy(() -> withEpsilon(0.2, eps)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("epsilon_high");
    }

    @Test
    void valuesInsideAreAccepted() {
        assertThat(withEpsilon(1e-9, 1e-9).epsilonLow()).isEqualTo(1e-9);
        assertThat(withEpsilon(0.999, 5).epsilonHigh()).isEqualTo(5);
    }
}
