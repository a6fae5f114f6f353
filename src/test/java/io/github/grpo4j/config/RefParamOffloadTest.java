package io.github.grpo4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.config.ConfigDocs;
import io.github.grpo4j.internal.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** training.ref_param_offload: auto offloads full fine-tuning of large models only; YAML booleans still bind. */
class RefParamOffloadTest {

    private static final long GB = 1_000_000_000L;

    @Test
    void autoOffloadsFullFineTuningFromOneGigabyteOfWeightsWithAFrozenReference() {
        assertThat(RefParamOffload.AUTO.offloads(true, true, 0, GB)).isTrue();
        assertThat(RefParamOffload.AUTO.offloads(true, true, 0, GB - 4)).isFalse();  // a small model: kept
        assertThat(RefParamOffload.AUTO.offloads(false, true, 0, 10 * GB)).isFalse(); // LoRA: the base is the reference
        assertThat(RefParamOffload.AUTO.offloads(true, false, 0, 10 * GB)).isFalse(); // beta 0: no reference
        assertThat(RefParamOffload.AUTO.offloads(true, true, 5, 10 * GB)).isFalse();  // a synced reference moves
        assertThat(RefParamOffload.TRUE.offloads(true, true, 0, 1)).isTrue();
        assertThat(RefParamOffload.TRUE.offloads(false, true, 0, 10 * GB)).isFalse();
        assertThat(RefParamOffload.FALSE.offloads(true, true, 0, 10 * GB)).isFalse();
    }

    @Test
    void theDefaultIsAutoAndYamlBooleansAndWordsBothBind() {
        assertThat(TrainingSection.defaults().refParamOffload()).isEqualTo(RefParamOffload.AUTO);
        assertThat(parse("ref_param_offload: true")).isEqualTo(RefParamOffload.TRUE);
        assertThat(parse("ref_param_offload: false")).isEqualTo(RefParamOffload.FALSE);
        assertThat(parse("ref_param_offload: auto")).isEqualTo(RefParamOffload.AUTO);
        assertThat(parse("ref_param_offload: \"true\"")).isEqualTo(RefParamOffload.TRUE);
        assertThatThrownBy(() -> parse("ref_param_offload: maybe")).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("training.ref_param_offload").hasMessageContaining("auto, true, false");
        assertThatThrownBy(() -> parse("ref_param_offload: 1")).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("training.ref_param_offload");
    }

    /** The documented example config with {@code line} added to its training section. */
    private static RefParamOffload parse(String line) {
        assertThat(ConfigDocs.EXAMPLE).contains("\ntraining:\n");
        String yaml = ConfigDocs.EXAMPLE.replace("\ntraining:\n", "\ntraining:\n  " + line + "\n");
        return ConfigLoader.parse(GrpoConfig.class, "config.yaml", yaml, List.of()).training().refParamOffload();
    }
}
