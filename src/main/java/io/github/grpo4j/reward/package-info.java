/**
 * Reward functions, the user extension point: {@link io.github.grpo4j.reward.RewardFunction} scores a
 * batch of completions; {@link io.github.grpo4j.reward.RewardFunction#of} wraps a lambda
 * {@code (prompt, completion, row) -> score}. Several functions are summed with weights over the
 * ones that apply (TRL's {@code nansum}).
 */
package io.github.grpo4j.reward;
