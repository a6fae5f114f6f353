package io.github.grpo4j.config;

import io.github.grpo4j.policy.SamplingParams;
import java.util.List;

/**
 * How the G completions of each prompt are sampled (TRL {@code GRPOConfig} names and defaults).
 *
 * @param numGenerations config key {@code num_generations}, default {@code 8}, valid: ≥ 2. G: completions
 *     sampled per prompt, the group whose rewards are normalised together (TRL {@code num_generations}).
 *     Completions are independent samples and may repeat.
 * @param maxCompletionLength config key {@code max_completion_length}, default {@code 256}, valid: ≥ 1.
 *     Longest completion in tokens; a completion that reaches it without EOS is *truncated* (see
 *     {@code loss.mask_truncated_completions}, metric {@code completions/clipped_ratio}).
 * @param temperature config key {@code temperature}, default {@code 1.0}, valid: &gt; 0. Logits are divided
 *     by the temperature before sampling. Must be &gt; 0: with greedy decoding all G completions are equal
 *     and every advantage is 0.
 * @param topK config key {@code top_k}, default {@code 0}, valid: ≥ 0. Sample only among the k most likely
 *     tokens; 0 disables.
 * @param topP config key {@code top_p}, default {@code 1.0}, valid: (0, 1]. Nucleus sampling: the smallest
 *     set of tokens whose probability sums to ≥ top_p; 1.0 disables.
 * @param minP config key {@code min_p}, default {@code 0.0}, valid: [0, 1). Drop tokens with probability
 *     below min_p × the top token's probability; 0 disables.
 * @param repetitionPenalty config key {@code repetition_penalty}, default {@code 1.0}, valid: &gt; 0.
 *     CTRL-style penalty on tokens already present in the prompt or completion; 1.0 disables.
 * @param stop config key {@code stop}, default {@code []}, valid: list of non-empty strings. A completion
 *     ends once its text contains one of these strings (besides EOS).
 */
@Doc("Rollout: how the G completions of each prompt are sampled. The log-probabilities recorded for "
        + "the loss are those of softmax(logits / temperature); top-k / top-p / min-p truncation is not "
        + "part of them (as in TRL and verl).")
public record GenerationSection(
        @Doc("G: completions sampled per prompt, the group whose rewards are normalised together "
                + "(TRL `num_generations`). Completions are independent samples and may repeat.")
        @Range(min = 2)
        @Default("8")
        int numGenerations,
        @Doc("Longest completion in tokens; a completion that reaches it without EOS is *truncated* "
                + "(see `loss.mask_truncated_completions`, metric `completions/clipped_ratio`).")
        @Range(min = 1)
        @Default("256")
        int maxCompletionLength,
        @Doc(value = "Logits are divided by the temperature before sampling. Must be > 0: with greedy "
                + "decoding all G completions are equal and every advantage is 0.",
                valid = "> 0")
        @Range(min = 0, minExclusive = true)
        @Default("1.0")
        double temperature,
        @Doc("Sample only among the k most likely tokens; 0 disables.")
        @Range(min = 0)
        @Default("0")
        int topK,
        @Doc("Nucleus sampling: the smallest set of tokens whose probability sums to ≥ top_p; 1.0 disables.")
        @Range(min = 0, minExclusive = true, max = 1)
        @Default("1.0")
        double topP,
        @Doc("Drop tokens with probability below min_p × the top token's probability; 0 disables.")
        @Range(min = 0, max = 1, maxExclusive = true)
        @Default("0.0")
        double minP,
        @Doc("CTRL-style penalty on tokens already present in the prompt or completion; 1.0 disables.")
        @Range(min = 0, minExclusive = true)
        @Default("1.0")
        double repetitionPenalty,
        @Doc(value = "A completion ends once its text contains one of these strings (besides EOS).",
                valid = "list of non-empty strings")
        List<String> stop) {

    /**
     * Fills in defaults for keys left null: no stop strings.
     *
     * @param numGenerations config key {@code num_generations}, see {@link #numGenerations()}
     * @param maxCompletionLength config key {@code max_completion_length}, see {@link #maxCompletionLength()}
     * @param temperature config key {@code temperature}, see {@link #temperature()}
     * @param topK config key {@code top_k}, see {@link #topK()}
     * @param topP config key {@code top_p}, see {@link #topP()}
     * @param minP config key {@code min_p}, see {@link #minP()}
     * @param repetitionPenalty config key {@code repetition_penalty}, see {@link #repetitionPenalty()}
     * @param stop config key {@code stop}, see {@link #stop()}
     */
    public GenerationSection {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** {@return TRL's defaults: G = 8, 256 tokens, temperature 1, no truncation, no penalty, no stop strings} */
    public static GenerationSection defaults() {
        return Defaults.of(GenerationSection.class);
    }

    /** {@return these settings as the sampling parameters a {@link io.github.grpo4j.policy.Policy} takes} */
    public SamplingParams samplingParams() {
        return new SamplingParams(temperature, topK, topP, minP, repetitionPenalty, maxCompletionLength, stop);
    }
}
