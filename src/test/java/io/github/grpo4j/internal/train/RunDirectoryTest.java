package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.GrpoConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @Test
    void aChangedConfigIsRefusedNamingEachChangedKeyOldAndNew(@TempDir Path tmp) {
        Path out = tmp.resolve("run");
        GrpoConfig before = TrainingRunTest.config(out);
        GrpoConfig after = TrainingRunTest.config(out, "training.learning_rate=0.02", "generation.num_generations=8");
        try (RunDirectory dir = RunDirectory.open(out)) {
            dir.writeConfig(before, false);
            dir.checkResumedConfig(TrainingRunTest.config(out, "training.learning_rate=1e-2"), false); // same value
            assertThatThrownBy(() -> dir.checkResumedConfig(after, false))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("generation.num_generations 4 -> 8")
                    .hasMessageContaining("training.learning_rate 0.01 -> 0.02")
                    .hasMessageContaining("--allow-config-change")
                    .hasMessageNotContaining("seed");
        }
    }

    @Test
    void allowedChangesKeepTheEarlierConfigsAsHistoryButASeedChangeIsAlwaysRefused(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        try (RunDirectory dir = RunDirectory.open(out)) {
            dir.writeConfig(TrainingRunTest.config(out), false);
            String first = Files.readString(out.resolve("config.yaml"));
            GrpoConfig second = TrainingRunTest.config(out, "training.learning_rate=0.02");
            dir.checkResumedConfig(second, true);
            dir.writeConfig(second, true);
            dir.writeConfig(second, true); // unchanged: no new history entry
            GrpoConfig third = TrainingRunTest.config(out, "training.learning_rate=0.03");
            dir.writeConfig(third, true);
            assertThat(dir.configHistory()).extracting(p -> p.getFileName().toString())
                    .containsExactly("config-1.yaml", "config-2.yaml");
            assertThat(Files.readString(out.resolve("config-1.yaml"))).isEqualTo(first);
            assertThat(Files.readString(out.resolve("config-2.yaml"))).contains("learning_rate: 0.02");
            assertThat(Files.readString(out.resolve("config.yaml"))).contains("learning_rate: 0.03");
            assertThatThrownBy(() -> dir.checkResumedConfig(TrainingRunTest.config(out, "seed=4"), true))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("seed 3")
                    .hasMessageContaining("4");
        }
    }

    @Test
    void aDirectoryThisRunCreatedAndLeftEmptyIsRemovedAgainButAnExistingOneStays(@TempDir Path tmp) throws Exception {
        Path fresh = tmp.resolve("fresh");
        try (RunDirectory dir = RunDirectory.open(fresh)) {
            assertThat(fresh.resolve(RunLock.FILE_NAME)).exists();
        }
        assertThat(fresh).doesNotExist();

        Path used = tmp.resolve("used");
        try (RunDirectory dir = RunDirectory.open(used)) {
            Files.writeString(used.resolve("metrics.jsonl"), "{\"step\":1}\n");
        }
        assertThat(used.resolve("metrics.jsonl")).exists();

        Path existing = Files.createDirectories(tmp.resolve("existing"));
        RunDirectory.open(existing).close();
        assertThat(existing).isDirectory();
    }
}
