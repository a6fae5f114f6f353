package io.github.grpo4j;

import java.util.List;
import java.util.Map;

/**
 * One sampled completion of a training step, with what the reward functions made of it.
 *
 * @param prompt     the prompt text as the reward functions saw it (for chat rows: a summary of the messages)
 * @param completion the completion text, special tokens left out
 * @param reward     total reward R = Σ_k w_k·r_k over the functions that applied (docs/algorithm.md §1)
 * @param rewards    each reward function's raw score by name; NaN where it did not apply
 * @param tokens     completion length in tokens, EOS included when the completion stopped at EOS
 * @param truncated  true when the completion hit {@code generation.max_completion_length} without ending
 * @param conversation a multi-turn episode (with tools or an environment) as messages, in order:
 *                   {@code {"role": "assistant", "content": ..., "tool_calls": [...]}} for each model turn
 *                   ({@code tool_calls} only on turns that called tools, in transformers' format), {@code {"role":
 *                   "tool", "name": ..., "content": ...}} for each tool result, and the environment's messages;
 *                   null for a single-turn completion
 */
public record Sample(String prompt, String completion, double reward, Map<String, Double> rewards, int tokens,
        boolean truncated, List<Map<String, Object>> conversation) {

    /**
     * A single-turn completion (no conversation).
     *
     * @param prompt     the prompt text as the reward functions saw it
     * @param completion the completion text, special tokens left out
     * @param reward     total reward
     * @param rewards    each reward function's raw score by name
     * @param tokens     completion length in tokens
     * @param truncated  true when the completion hit the length limit without ending
     */
    public Sample(String prompt, String completion, double reward, Map<String, Double> rewards, int tokens,
            boolean truncated) {
        this(prompt, completion, reward, rewards, tokens, truncated, null);
    }
}
