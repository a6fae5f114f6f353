package io.github.grpo4j.internal.algo;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.internal.config.ConfigValidator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A command that takes ε directly (explain, demo) applies the config's rule for it: the open interval (0, 1),
 * and ε_high &gt; 0. The config file side is ConfigLoaderTest's.
 */
class LossOptionsTest {

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 1.0, -0.1, 1.5, Double.NaN})
    void epsilonOutsideTheOpenUnitIntervalIsRejected(double eps) {
        assertThatThrownBy(() -> ConfigValidator.checkFlag(LossSection.class, "epsilon", "--epsilon", eps))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageStartingWith("--epsilon: ")
                .hasMessageEndingWith("valid: (0, 1)");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.1, Double.POSITIVE_INFINITY, Double.NaN})
    void epsilonHighMustBePositiveAndFinite(double eps) {
        assertThatThrownBy(() -> ConfigValidator.checkFlag(LossSection.class, "epsilonHigh", "--epsilon-high", eps))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("--epsilon-high").hasMessageEndingWith("> 0");
    }

    @Test
    void valuesInsideAreAccepted() {
        assertThat(ConfigValidator.checkFlag(LossSection.class, "epsilon", "--epsilon", 1e-9)).isEqualTo(1e-9);
        assertThat(ConfigValidator.checkFlag(LossSection.class, "epsilon", "--epsilon", 0.999)).isEqualTo(0.999);
        assertThat(ConfigValidator.checkFlag(LossSection.class, "epsilonHigh", "--epsilon-high", 5)).isEqualTo(5);
    }
}
