package io.github.grpo4j.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.GrpoConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigsTest {

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(Configs.editDistance("", "")).isZero();
        assertThat(Configs.editDistance("beta", "beta")).isZero();
        assertThat(Configs.editDistance("betta", "beta")).isEqualTo(1);   // deletion
        assertThat(Configs.editDistance("bta", "beta")).isEqualTo(1);     // insertion
        assertThat(Configs.editDistance("bela", "beta")).isEqualTo(1);    // substitution
        assertThat(Configs.editDistance("kitten", "sitting")).isEqualTo(3);
        assertThat(Configs.editDistance("", "abc")).isEqualTo(3);
    }

    @Test
    void closestPicksTheSmallestDistanceAndTheFirstOnTies() {
        assertThat(Configs.closest("lerning_rate", List.of("max_steps", "learning_rate", "warmup_ratio")))
                .isEqualTo("learning_rate");
        assertThat(Configs.closest("ab", List.of("aa", "bb"))).isEqualTo("aa");
    }

    @Test
    void snakeCaseMatchesTrlNames() {
        assertThat(Configs.snakeCase("adamBeta1")).isEqualTo("adam_beta1");
        assertThat(Configs.snakeCase("topK")).isEqualTo("top_k");
        assertThat(Configs.snakeCase("refModelMixupAlpha")).isEqualTo("ref_model_mixup_alpha");
        assertThat(Configs.snakeCase("seed")).isEqualTo("seed");
    }

    @Test
    void everyConfigRecordHasDocumentedComponentsAndDefaultsThatValidate() {
        // The defaults of the sections are valid on their own (only model/data choices are missing).
        GrpoConfig ok = ConfigLoaderTest.parse(ConfigLoaderTest.MINIMAL);
        assertThat(ConfigValidator.validate(ok)).isEmpty();
        assertThat(ConfigValidator.validate(GrpoConfig.defaults())).extracting(Problem::path)
                .containsExactlyInAnyOrder("model", "model.tokenizer", "data", "rewards");
        assertThat(ConfigValidator.validate(SftConfig.defaults())).extracting(Problem::path)
                .containsExactlyInAnyOrder("model", "model.tokenizer", "data");
    }
}
