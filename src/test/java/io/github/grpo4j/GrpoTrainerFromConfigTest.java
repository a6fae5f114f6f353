package io.github.grpo4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.config.ConfigFiles;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.policy.TransformerPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trainer whose every part comes from the config, as {@code grpo4j train --config} builds it: the policy
 * is built when first needed (after the memory check), restored from the checkpoint on resume, and owned
 * by the trainer.
 */
class GrpoTrainerFromConfigTest {

    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** A tiny model from scratch, a length reward that varies between completions, a checkpoint every step. */
    static GrpoConfig tiny(Path out) {
        return ConfigFiles.load(null, "model.config.hidden_size=16", "model.config.intermediate_size=32",
                "model.config.num_hidden_layers=1", "model.config.num_attention_heads=2",
                "model.config.num_key_value_heads=1", "model.config.model_type=qwen2", "data.task=arithmetic",
                "rewards=[{name: short, type: length, params: {target: 3}}]", "training.max_steps=3",
                "training.per_step_prompts=2", "generation.num_generations=4", "generation.max_completion_length=8",
                "training.learning_rate=1e-2", "logging.eval_steps=0", "logging.num_sample_rows=4",
                "checkpoint.save_steps=1", "output_dir=" + out);
    }

    @Test
    void aRunThatWouldNotFitIsRefusedBeforeItStarts(@TempDir Path tmp) {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (GrpoTrainer trainer = GrpoTrainer.builder().config(tiny(tmp.resolve("run"))).memoryLimit(1000)
                .console(new PrintStream(console)).build()) {
            assertThatThrownBy(trainer::train).isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("the run needs about").hasMessageContaining("but the machine has");
        }
        assertThat(console.toString()).contains("Memory: ");
        assertThat(tmp.resolve("run").resolve("metrics.jsonl")).doesNotExist();
        assertThat(tmp.resolve("run").resolve("config.yaml")).doesNotExist();
        assertThatThrownBy(() -> GrpoTrainer.builder().memoryLimit(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itsOwnPolicyIsBuiltOnceTrainedAndRestoredFromTheCheckpointOnResume(@TempDir Path tmp) throws Exception {
        Path straightDir = tmp.resolve("straight");
        GrpoTrainerTest.RunRecord straight;
        try (GrpoTrainer trainer = GrpoTrainer.builder().config(tiny(straightDir)).console(QUIET).build()) {
            TransformerPolicy policy = trainer.policy();
            float[] before = policy.parameters().get("model.embed_tokens.weight").toFloatArray();
            trainer.train();
            assertThat(trainer.policy()).isSameAs(policy); // built once, trained in place
            assertThat(policy.parameters().get("model.embed_tokens.weight").toFloatArray()).isNotEqualTo(before);
            straight = GrpoTrainerTest.record(straightDir, policy);
        }
        // precondition: every step had signal, so a resume that restores the wrong state cannot match
        List<com.fasterxml.jackson.databind.JsonNode> steps = straight.metrics().stream().filter(m -> m.has("loss")).toList();
        assertThat(steps).hasSize(3).allSatisfy(m -> assertThat(m.get("grad_norm").asDouble()).isGreaterThan(0));

        Path out = tmp.resolve("run");
        try (GrpoTrainer first = GrpoTrainer.builder().config(tiny(out)).console(QUIET).onStep(s -> {
            if (s.step() == 3) {
                throw new IllegalStateException("stopped at step 3, before its checkpoint");
            }
        }).build()) {
            assertThatThrownBy(first::train).hasMessageContaining("stopped");
        }
        List<Integer> resumedSteps = new ArrayList<>();
        GrpoTrainerTest.RunRecord resumed;
        try (GrpoTrainer second = GrpoTrainer.builder().config(tiny(out)).resume(true).console(QUIET)
                .onStep(s -> resumedSteps.add(s.step())).build()) {
            assertThat(second.train().steps()).isEqualTo(3);
            resumed = GrpoTrainerTest.record(out, second.policy());
        }
        assertThat(resumedSteps).containsExactly(3);
        assertThat(resumed.metrics()).isEqualTo(straight.metrics());
        assertThat(resumed.samples()).isEqualTo(straight.samples());
        straight.weights().forEach((name, w) -> assertThat(resumed.weights().get(name)).as(name).containsExactly(w));
    }
}
