package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.reward.RewardFunction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training against the offloaded reference (training.ref_param_offload) is the same run as against a
 * resident copy: the KL is exactly 0 at step 1 and every metric of every step is equal, bit for bit,
 * over several micro-batches per step.
 */
class OffloadedReferenceTest {

    private static List<Map<String, Double>> run(boolean offload, Path dir) {
        List<Map<String, Double>> out = new ArrayList<>();
        try (LanguageModelPolicy policy = TinyModels.policy(4);
                RewardSet rewards = RewardSet.of(RewardFunction.of("share_a", (p, c, row) -> TinyModels.shareOfA(c)));
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, offload ? policy.offloadedCopy(dir) : null,
                        TinyModels.options(LossType.GRPO, 5, 1, 0.04, 1e-2), rewards)) {
            var prompts = TinyModels.prompts(TinyModels.tokenizer(), "abc", "fed", "b", "ccc");
            for (int step = 1; step <= 3; step++) {
                Map<String, Double> m = new java.util.LinkedHashMap<>(trainer.step(step, prompts).metrics());
                m.keySet().removeIf(k -> k.startsWith("timing/") || k.endsWith("_per_s") || k.equals("step_time"));
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void trainsExactlyAsWithAResidentReference(@TempDir Path dir) {
        List<Map<String, Double>> resident = run(false, dir);
        List<Map<String, Double>> offloaded = run(true, dir);
        assertThat(offloaded.get(0).get("kl")).as("KL at step 1").isEqualTo(0.0);
        assertThat(resident.get(2).get("kl")).as("the policy moved away from the reference").isGreaterThan(0.0);
        assertThat(offloaded).isEqualTo(resident);
        assertThat(dir).as("the weights' file is deleted with the trainer").isEmptyDirectory();
    }

    @Test
    void aTrainingRunWithTheOffloadedReferenceEqualsOneWithAResidentReferenceAndLeavesNoFileBehind(@TempDir Path tmp)
            throws Exception {
        Path resident = tmp.resolve("resident");
        Path offloaded = tmp.resolve("offloaded");
        new TrainingRun(TrainingRunTest.varying(resident), new PrintStream(new ByteArrayOutputStream()))
                .progressBar(false).run(false);
        new TrainingRun(TrainingRunTest.varying(offloaded, "training.ref_param_offload=true"),
                new PrintStream(new ByteArrayOutputStream())).progressBar(false).run(false);
        TrainingRunTest.assertSameRun(resident, offloaded); // metrics (KL included), samples, final weights
        try (var files = Files.list(offloaded)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("grpo4j-reference"));
        }
    }

    @Test
    void aMovingReferenceCannotBeOffloaded(@TempDir Path tmp) {
        assertThatThrownBy(() -> new TrainingRun(TrainingRunTest.config(tmp.resolve("r"),
                "training.ref_param_offload=true", "loss.ref_model_sync_steps=2"),
                new PrintStream(new ByteArrayOutputStream())).run(false))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("training.ref_param_offload").hasMessageContaining("ref_model_sync_steps");
    }
}
