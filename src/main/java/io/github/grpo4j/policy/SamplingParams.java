package io.github.grpo4j.policy;

import java.util.List;

/**
 * How completions are sampled. Names and defaults follow TRL's {@code GRPOConfig} /
 * transformers' {@code GenerationConfig}.
 *
 * @param temperature       logits are divided by it; 0 means greedy. Default 1.0.
 * @param topK              keep the k most likely tokens; 0 disables. Default 0.
 * @param topP              nucleus sampling: smallest set with cumulative probability ≥ top_p; 1.0 disables.
 * @param minP              drop tokens with probability &lt; min_p · max probability; 0 disables.
 * @param repetitionPenalty CTRL-style penalty on tokens already in prompt or completion; 1.0 disables.
 * @param maxNewTokens      completion length limit; a completion that reaches it is truncated.
 * @param stopStrings       completion ends once its decoded text contains one of these.
 */
public record SamplingParams(
        double temperature,
        int topK,
        double topP,
        double minP,
        double repetitionPenalty,
        int maxNewTokens,
        List<String> stopStrings) {

    /**
     * A null {@code stopStrings} means none; the list is copied.
     *
     * @param temperature       see {@link #temperature()}
     * @param topK              see {@link #topK()}
     * @param topP              see {@link #topP()}
     * @param minP              see {@link #minP()}
     * @param repetitionPenalty see {@link #repetitionPenalty()}
     * @param maxNewTokens      see {@link #maxNewTokens()}
     * @param stopStrings       see {@link #stopStrings()}
     */
    public SamplingParams {
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
    }

    /**
     * Plain sampling: temperature 1, no truncation, no penalty, no stop strings.
     *
     * @param maxNewTokens completion length limit
     * @return the parameters
     */
    public static SamplingParams defaults(int maxNewTokens) {
        return new SamplingParams(1.0, 0, 1.0, 0.0, 1.0, maxNewTokens, List.of());
    }

    /**
     * Greedy decoding: the most likely token at each step.
     *
     * @param maxNewTokens completion length limit
     * @return the parameters, temperature 0
     */
    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(0.0, 0, 1.0, 0.0, 1.0, maxNewTokens, List.of());
    }

    /** {@return true when sampling is greedy (temperature 0)} */
    public boolean greedy() {
        return temperature == 0.0;
    }
}
