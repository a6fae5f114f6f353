package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDManager;
import io.github.grpo4j.config.LrSchedulerType;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SftTrainerTest {

    private static SftTrainer.Options options(int microBatch) {
        return new SftTrainer.Options(microBatch, new LrSchedule(LrSchedulerType.CONSTANT, 1e-2, 0, 100),
                new AdamW.Options(0.9, 0.999, 1e-8, 0.0), 1.0);
    }

    @Test
    void lossIsTheMeanTokenNegativeLogLikelihoodAndFallsWhileTraining() {
        var tok = TinyModels.tokenizer();
        List<int[]> prompts = List.of(tok.encode("abc"), tok.encode("fe"), tok.encode("d"));
        List<int[]> targets = List.of(SftRun.withEos(tok.encode("cba"), CharTokenizer.EOS_ID),
                SftRun.withEos(tok.encode("ef"), CharTokenizer.EOS_ID), SftRun.withEos(tok.encode("dd"), CharTokenizer.EOS_ID));
        try (LanguageModelPolicy policy = TinyModels.policy(51); SftTrainer sft = new SftTrainer(policy, options(2))) {
            double expected;
            try (NDManager m = NDManager.newBaseManager()) {
                float[] logp = policy.score(m, prompts, targets, 1.0).logProbs().toFloatArray();
                double sum = 0;
                for (float v : logp) {
                    sum += v; // zero past each target's end
                }
                expected = -sum / (4 + 3 + 3);
            }
            var first = sft.step(prompts, targets);
            assertThat(first.get("loss")).isCloseTo(expected, within(1e-5));
            assertThat(first.get("num_tokens")).isEqualTo(10.0);
            double last = first.get("loss");
            for (int i = 0; i < 30; i++) {
                last = sft.step(prompts, targets).get("loss");
            }
            assertThat(last).isLessThan(first.get("loss") * 0.5);
        }
    }

    @Test
    void microBatchSplitDoesNotChangeTheUpdate() {
        var tok = TinyModels.tokenizer();
        List<int[]> prompts = List.of(tok.encode("abc"), tok.encode("fe"), tok.encode("d"));
        List<int[]> targets = List.of(tok.encode("cbaf"), tok.encode("e"), tok.encode("dd"));
        float[] whole;
        try (LanguageModelPolicy policy = TinyModels.policy(52); SftTrainer sft = new SftTrainer(policy, options(3))) {
            sft.step(prompts, targets);
            whole = policy.parameters().get("model.embed_tokens.weight").toFloatArray();
        }
        try (LanguageModelPolicy policy = TinyModels.policy(52); SftTrainer sft = new SftTrainer(policy, options(1))) {
            sft.step(prompts, targets);
            float[] split = policy.parameters().get("model.embed_tokens.weight").toFloatArray();
            for (int i = 0; i < whole.length; i++) {
                assertThat((double) split[i]).isCloseTo(whole[i], within(1e-5));
            }
        }
    }
}
