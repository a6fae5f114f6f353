package io.github.grpo4j.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.LossSection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {

    @Test
    void docsConfigurationMdIsUpToDateWithTheRecords() throws Exception {
        String expected = ConfigDocs.render();
        Path file = ConfigDocs.DOCS_FILE;
        if (Boolean.getBoolean("grpo4j.updateDocs")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, expected, StandardCharsets.UTF_8);
        }
        assertThat(file).as("docs/configuration.md is stale; regenerate it with "
                + "./mvnw -q test -Dtest=ConfigDocsTest -Dgrpo4j.updateDocs=true").exists();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as("docs/configuration.md is stale; regenerate it with "
                        + "./mvnw -q test -Dtest=ConfigDocsTest -Dgrpo4j.updateDocs=true")
                .isEqualTo(expected);
    }

    @Test
    void theExampleInTheDocsIsAValidConfig() {
        GrpoConfig c = ConfigLoader.parse(GrpoConfig.class, "example.yaml", ConfigDocs.EXAMPLE, java.util.List.of());
        assertThat(c.rewards()).hasSize(2);
        assertThat(c.loss().effectiveEpsilonHigh()).isEqualTo(0.28);
        assertThat(ConfigDocs.render()).contains(ConfigDocs.EXAMPLE);
    }

    @Test
    void docsListEveryKeyWithItsDefaultAndValidValues() {
        String md = ConfigDocs.render();
        assertThat(md).contains("| `num_generations` | integer | `8` | ≥ 2 |")
                .contains("| `learning_rate` | number | `1.0e-6` | > 0 |")
                .contains("| `loss_type` | string | `grpo` | `grpo`, `bnpo`, `dapo`, `dr_grpo`, `cispo` |")
                .contains("| `task` | string | `null` | null, `arithmetic`, `countdown`, `sort`, `calculator` |")
                .contains("| `epsilon_high` | number or null | `null` | null or > 0 |")
                .contains("### `rewards[]`")
                .contains("### `loss`");
        for (var c : LossSection.class.getRecordComponents()) {
            assertThat(md).contains("| `" + Configs.key(c) + "` |");
        }
    }
}
