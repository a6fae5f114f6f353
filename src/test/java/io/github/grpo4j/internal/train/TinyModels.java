package io.github.grpo4j.internal.train;

import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.LrSchedulerType;
import io.github.grpo4j.internal.algo.AdvantageOptions;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.model.ModelConfig;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.policy.TransformerPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tiny transformer policies and trainer options for fast trainer tests. */
final class TinyModels {
    private TinyModels() {}

    static final String ALPHABET = "abcdef";

    static CharTokenizer tokenizer() {
        return CharTokenizer.of(ALPHABET);
    }

    static ModelConfig config(int vocab) {
        return new ModelConfig("qwen2", vocab, 16, 32, 2, 2, 1, 8, 1e-6, 10000.0, null, false, false, 64, "float32",
                0.2, null, List.of(CharTokenizer.EOS_ID));
    }

    static TransformerPolicy policy(long seed) {
        CharTokenizer tok = tokenizer();
        return new TransformerPolicy(Transformer.random(config(tok.vocabSize()), seed), tok);
    }

    static GrpoStepTrainer.Options options(LossType lossType, int microBatch, int iterations, double beta, double lr) {
        return GrpoStepTrainer.Options.defaults()
                .withBatch(4, microBatch, iterations)
                .withSampling(SamplingParams.defaults(6))
                .withObjective(AdvantageOptions.defaults(),
                        new LossOptions(0.2, 0.2, 0.0, ImportanceSamplingLevel.TOKEN, beta, KlEstimator.K3, lossType))
                .withFilters(false, false)
                .withReferenceSync(0, 0.6)
                .withOptimizer(new LrSchedule(LrSchedulerType.CONSTANT, lr, 0, 100), new AdamW.Options(0.9, 0.99, 1e-8, 0.0),
                        1.0)
                .withSeed(7);
    }

    static List<Prompt> prompts(CharTokenizer tok, String... texts) {
        List<Prompt> out = new ArrayList<>();
        for (String t : texts) {
            out.add(new Prompt(t, tok.encode(t), Map.of()));
        }
        return out;
    }

    /** Reward = share of the letter 'a' in the completion (the trivial task). */
    static double shareOfA(String completion) {
        if (completion.isEmpty()) {
            return 0.0;
        }
        return completion.chars().filter(ch -> ch == 'a').count() / (double) completion.length();
    }
}
