package io.github.grpo4j.internal.algo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import org.junit.jupiter.api.Test;

/** Spec spellings of the option enums and their parse errors. */
class ConfigEnumsTest {

    @Test
    void configNamesAreTheSpecsLowercaseNames() {
        assertThat(LossType.DR_GRPO.configName()).isEqualTo("dr_grpo");
        assertThat(StdKind.POPULATION.configName()).isEqualTo("population");
        assertThat(ScaleRewards.NONE.configName()).isEqualTo("none");
        assertThat(KlEstimator.K3.configName()).isEqualTo("k3");
        assertThat(AdvantageEstimator.RLOO.configName()).isEqualTo("rloo");
        assertThat(ImportanceSamplingLevel.SEQUENCE.configName()).isEqualTo("sequence");
    }

    @Test
    void parseRoundTripsEveryValueAndIgnoresCaseAndBlanks() {
        for (LossType v : LossType.values()) {
            assertThat(LossType.parse(v.configName())).isEqualTo(v);
        }
        for (ScaleRewards v : ScaleRewards.values()) {
            assertThat(ScaleRewards.parse(v.configName())).isEqualTo(v);
        }
        for (StdKind v : StdKind.values()) {
            assertThat(StdKind.parse(v.configName())).isEqualTo(v);
        }
        for (KlEstimator v : KlEstimator.values()) {
            assertThat(KlEstimator.parse(v.configName())).isEqualTo(v);
        }
        for (AdvantageEstimator v : AdvantageEstimator.values()) {
            assertThat(AdvantageEstimator.parse(v.configName())).isEqualTo(v);
        }
        for (ImportanceSamplingLevel v : ImportanceSamplingLevel.values()) {
            assertThat(ImportanceSamplingLevel.parse(v.configName())).isEqualTo(v);
        }
        assertThat(LossType.parse(" DR_GRPO ")).isEqualTo(LossType.DR_GRPO);
    }

    @Test
    void unknownValueNamesTheOptionAndEveryValidValue() {
        assertThatThrownBy(() -> LossType.parse("ppo"))
                .isInstanceOf(Grpo4jException.class)
                .hasMessage("unknown loss_type 'ppo'; valid values: grpo, bnpo, dapo, dr_grpo, cispo");
        assertThatThrownBy(() -> KlEstimator.parse(null))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("kl_estimator").hasMessageContaining("k1, k2, k3");
        assertThatThrownBy(() -> StdKind.parse("bessel"))
                .hasMessageContaining("std").hasMessageContaining("population, sample");
    }

    @Test
    void defaultsAreTheSeeds() {
        assertThat(AdvantageOptions.defaults()).isEqualTo(new AdvantageOptions(
                ScaleRewards.GROUP, StdKind.POPULATION, 0.0, AdvantageEstimator.GRPO));
        assertThat(LossOptions.defaults()).isEqualTo(new LossOptions(
                0.2, 0.2, 0.0, ImportanceSamplingLevel.TOKEN, 0.04, KlEstimator.K3, LossType.GRPO));
    }

    @Test
    void badLossOptionsAreUserErrorsNamingTheKey() {
        assertThatThrownBy(() -> new LossOptions(0.2, 0.2, 0.5, ImportanceSamplingLevel.TOKEN, 0.04,
                        KlEstimator.K3, LossType.GRPO))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("dual_clip");
        assertThatThrownBy(() -> new LossOptions(-0.1, 0.2, 0, ImportanceSamplingLevel.TOKEN, 0.04,
                        KlEstimator.K3, LossType.GRPO))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> new LossOptions(0.2, 0.2, 0, ImportanceSamplingLevel.TOKEN, -1,
                        KlEstimator.K3, LossType.GRPO))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("beta");
    }
}
