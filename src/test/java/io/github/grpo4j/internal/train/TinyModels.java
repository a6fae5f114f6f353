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
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tiny transformer policies and trainer options for fast trainer tests. */
final class TinyModels {
    private TinyModels() {}

    static final String ALPHABET = "abcdef";

    /** The start of a tiny run's config file: the seed and a one-layer model built from scratch. */
    static final String RUN_YAML_HEAD = """
            seed: 3
            model:
              config:
                model_type: qwen2
                hidden_size: 16
                intermediate_size: 32
                num_hidden_layers: 1
                num_attention_heads: 2
                num_key_value_heads: 1
                max_position_embeddings: 64
            """;

    static CharTokenizer tokenizer() {
        return CharTokenizer.of(ALPHABET);
    }

    static ModelConfig config(int vocab) {
        return new ModelConfig("qwen2", vocab, 16, 32, 2, 2, 1, 8, 1e-6, 10000.0, null, false, false, 64, "float32",
                0.2, null, List.of(CharTokenizer.EOS_ID));
    }

    static LanguageModelPolicy policy(long seed) {
        CharTokenizer tok = tokenizer();
        return new LanguageModelPolicy(Transformer.random(config(tok.vocabSize()), seed), tok);
    }

    static GrpoStepTrainer.Options options(LossType lossType, int microBatch, int iterations, double beta, double lr) {
        return GrpoStepTrainer.Options.defaults()
                .toBuilder().batch(4, microBatch, iterations)
                .sampling(SamplingParams.defaults(6))
                .objective(AdvantageOptions.defaults(),
                        new LossOptions(0.2, 0.2, 0.0, ImportanceSamplingLevel.TOKEN, beta, KlEstimator.K3, lossType))
                .filters(false, false)
                .referenceSync(0, 0.6)
                .optimizer(new LrSchedule(LrSchedulerType.CONSTANT, lr, 0, 100), new AdamW.Options(0.9, 0.99, 1e-8, 0.0),
                        1.0)
                .seed(7).build();
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
