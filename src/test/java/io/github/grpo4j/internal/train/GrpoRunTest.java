package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.policy.TransformerPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GrpoRunTest {

    static final String QUESTION = "What is the capital of France?";

    private static TransformerPolicy tinyPolicy() {
        CharTokenizer tok = CharTokenizer.fromTexts(List.of(QUESTION, "Paris London Berlin Madrid"));
        return new TransformerPolicy(Transformer.random(TinyModels.config(tok.vocabSize()), 61), tok);
    }

    @Test
    void theSeedsQuestionTrainsFromCodeWithALambdaRewardAndAStepListener(@TempDir Path tmp) {
        List<Map<String, Double>> seen = new ArrayList<>();
        try (TransformerPolicy policy = tinyPolicy()) {
            float[] before = policy.parameters().get("model.embed_tokens.weight").toFloatArray();
            TrainingRun.Result r = GrpoRun.builder()
                    .policy(policy)
                    .prompts(List.of(Map.of("prompt", QUESTION, "answer", "Paris")))
                    .reward("paris", (prompt, completion, row) -> completion.contains((String) row.get("answer")) ? 1.0
                            : completion.contains("P") ? 0.5 : 0.0)
                    .set("training.max_steps=3", "training.per_step_prompts=1", "generation.num_generations=4",
                            "generation.max_completion_length=6", "training.learning_rate=1e-2",
                            "output_dir=" + tmp.resolve("run"))
                    .onStep(step -> seen.add(step.metrics()))
                    .console(new PrintStream(new ByteArrayOutputStream()))
                    .train();
            assertThat(r.steps()).isEqualTo(3);
            assertThat(seen).hasSize(3).allSatisfy(m -> assertThat(m).containsKeys("reward", "rewards/paris/mean", "kl"));
            assertThat(policy.parameters().get("model.embed_tokens.weight").toFloatArray()).isNotEqualTo(before);
            policy.save(tmp.resolve("saved"));
            assertThat(tmp.resolve("saved").resolve("config.json")).exists();
            assertThat(tmp.resolve("saved").resolve("tokenizer.json")).exists();
            try (TransformerPolicy reloaded = TransformerPolicy.load(tmp.resolve("saved"))) {
                assertThat(reloaded.parameters().get("model.embed_tokens.weight").toFloatArray())
                        .containsExactly(policy.parameters().get("model.embed_tokens.weight").toFloatArray());
            }
        }
    }

    @Test
    void missingPartsAndBadOverridesAreClearErrors(@TempDir Path tmp) {
        try (TransformerPolicy policy = tinyPolicy()) {
            assertThatThrownBy(() -> GrpoRun.builder().prompts(List.of(Map.of("prompt", QUESTION)))
                    .reward("r", (p, c, row) -> 1.0).train())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("policy");
            assertThatThrownBy(() -> GrpoRun.builder().policy(policy).reward("r", (p, c, row) -> 1.0).train())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("prompts");
            assertThatThrownBy(() -> GrpoRun.builder().policy(policy).prompts(List.of(Map.of("prompt", QUESTION))).train())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("reward");
            assertThatThrownBy(() -> GrpoRun.builder().policy(policy).prompts(List.of(Map.of("prompt", QUESTION)))
                    .reward("r", (p, c, row) -> 1.0).set("training.learnig_rate=1", "output_dir=" + tmp).train())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("learning_rate");
        }
    }
}
