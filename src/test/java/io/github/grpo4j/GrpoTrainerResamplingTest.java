package io.github.grpo4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.policy.TransformerPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code training.dynamic_sampling} and {@code training.steps_per_generation} set through the Java builder. */
class GrpoTrainerResamplingTest {

    @Test
    void dynamicSamplingAndStepsPerGenerationFromTheBuilder(@TempDir Path tmp) {
        // two of the four prompts get a different reward for every completion, the other two always 0
        Set<String> signal = Set.of("is", "capital");
        AtomicInteger calls = new AtomicInteger();
        List<StepResult> seen = new ArrayList<>();
        try (TransformerPolicy policy = GrpoTrainerTest.tinyPolicy();
                GrpoTrainer trainer = GrpoTrainer.builder()
                        .policy(policy)
                        .prompts(List.of(Map.of("prompt", "What"), Map.of("prompt", "is"), Map.of("prompt", "the"),
                                Map.of("prompt", "capital")))
                        .reward("scripted", (p, c, row) -> signal.contains(p)
                                ? (double) calls.incrementAndGet() : 0.0)
                        .set("training.max_steps=4", "training.per_step_prompts=2", "generation.num_generations=3",
                                "generation.max_completion_length=4", "training.learning_rate=1e-2",
                                "training.dynamic_sampling=true", "training.steps_per_generation=2",
                                "output_dir=" + tmp.resolve("run"))
                        .console(GrpoTrainerTest.QUIET)
                        .onStep(seen::add)
                        .build()) {
            assertThat(trainer.config().training().dynamicSampling()).isTrue();
            assertThat(trainer.config().training().stepsPerGeneration()).isEqualTo(2);
            trainer.train();
        }
        // by hand: a generation needs 4 groups with signal; each batch of 4 prompts (one epoch) has 2
        assertThat(seen).extracting(StepResult::step).containsExactly(1, 2, 3, 4);
        assertThat(seen).allSatisfy(s -> {
            assertThat(s.metric("dynamic_sampling/generation_batches")).isEqualTo(2.0);
            assertThat(s.metric("dynamic_sampling/groups_generated")).isEqualTo(8.0);
            assertThat(s.metric("dynamic_sampling/groups_kept")).isEqualTo(4.0);
            assertThat(s.samples()).hasSize(6).allSatisfy(x -> assertThat(signal).contains(x.prompt()));
            assertThat(s.metric("grad_norm")).isPositive();
        });
    }
}
