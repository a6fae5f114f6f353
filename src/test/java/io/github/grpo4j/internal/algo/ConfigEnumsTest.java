package io.github.grpo4j.internal.algo;

import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Config spellings of the option enums and the algorithm options' defaults. */
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
    void defaultsAreTheSeeds() {
        assertThat(AdvantageOptions.defaults()).isEqualTo(new AdvantageOptions(
                ScaleRewards.GROUP, StdKind.POPULATION, 0.0, AdvantageEstimator.GRPO));
        assertThat(LossOptions.defaults()).isEqualTo(new LossOptions(
                0.2, 0.2, 0.0, ImportanceSamplingLevel.TOKEN, 0.04, KlEstimator.K3, LossType.GRPO));
    }
}
