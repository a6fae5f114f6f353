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

    /** Masks the last two tokens of every target, as a tool result's span. */
    private static SftTrainer.Options maskingLastTwo(int microBatch) {
        var o = options(microBatch);
        return new SftTrainer.Options(o.microBatchSize(), o.schedule(), o.adam(), o.maxGradNorm(), target -> {
            boolean[] trained = new boolean[target.length];
            java.util.Arrays.fill(trained, 0, target.length - 2, true);
            return trained;
        });
    }

    @Test
    void maskedTokensGetNoLossAndNoGradient() {
        var tok = TinyModels.tokenizer();
        List<int[]> prompts = List.of(tok.encode("abc"), tok.encode("fe"));
        List<int[]> targets = List.of(tok.encode("cbaff"), tok.encode("eddd"));
        // the same targets but other tokens in the masked (last two) positions: same loss, same update
        List<int[]> others = List.of(tok.encode("cbaab"), tok.encode("edfc"));
        float[] before;
        float[] masked;
        double expected;
        try (LanguageModelPolicy policy = TinyModels.policy(53); SftTrainer sft = new SftTrainer(policy, maskingLastTwo(1))) {
            before = policy.parameters().get("model.embed_tokens.weight").toFloatArray();
            try (NDManager m = NDManager.newBaseManager()) {
                float[] logp = policy.score(m, prompts, targets, 1.0).logProbs().toFloatArray(); // [2, 5]
                double sum = 0;
                for (int j = 0; j < 3; j++) {
                    sum += logp[j];
                }
                for (int j = 0; j < 2; j++) {
                    sum += logp[5 + j];
                }
                expected = -sum / (3 + 2);
            }
            var m = sft.step(prompts, targets);
            assertThat(m.get("num_tokens")).isEqualTo(5.0);
            assertThat(m.get("loss")).isCloseTo(expected, within(1e-5));
            masked = policy.parameters().get("model.embed_tokens.weight").toFloatArray();
        }
        try (LanguageModelPolicy policy = TinyModels.policy(53); SftTrainer sft = new SftTrainer(policy, maskingLastTwo(2))) {
            sft.step(prompts, others);
            float[] other = policy.parameters().get("model.embed_tokens.weight").toFloatArray();
            double moved = 0;
            for (int i = 0; i < masked.length; i++) {
                assertThat((double) other[i]).isCloseTo(masked[i], within(1e-5));
                moved = Math.max(moved, Math.abs(masked[i] - before[i]));
            }
            assertThat(moved).isGreaterThan(1e-4); // the step did train the unmasked tokens
        }
    }

    @Test
    void toolResponseMaskCoversEachResultWithItsTags() {
        var tok = CharTokenizer.of("0123456789*=<>/_abcdefghijklmnopqrstuvwxyz{}\":,");
        String episode = io.github.grpo4j.internal.data.tasks.CalculatorTask.toolEpisode("12*34", "408");
        int[] ids = tok.encode(episode + "<tool_response>7</tool_response>7<tool_response>9");
        boolean[] trained = TargetMask.toolResponses(tok).trained(ids);
        StringBuilder kept = new StringBuilder();
        String text = episode + "<tool_response>7</tool_response>7<tool_response>9";
        for (int i = 0; i < ids.length; i++) {
            kept.append(trained[i] ? text.charAt(i) : '.');
        }
        String dots = ".".repeat("<tool_response>408</tool_response>".length());
        assertThat(kept.toString()).isEqualTo(episode.substring(0, episode.indexOf("<tool_response>")) + dots + "408"
                + ".".repeat("<tool_response>7</tool_response>".length()) + "7<tool_response>9"); // unclosed: trained
        assertThat(TargetMask.toolResponses(tok).trained(tok.encode("12*34"))).isNull();
        // a tokenizer that cannot write the tags: no target holds them, every token is trained
        assertThat(TargetMask.toolResponses(TinyModels.tokenizer())).isSameAs(TargetMask.ALL);
    }
}
