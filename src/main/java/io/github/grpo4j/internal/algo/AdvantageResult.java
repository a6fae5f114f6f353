package io.github.grpo4j.internal.algo;

/**
 * Advantages of a batch of completions and what the reward statistics say about them.
 *
 * @param advantages one advantage per completion
 * @param zeroStdRow per completion: true when every reward of its group is equal (the group carries no
 *     signal; its advantages are exactly 0). DAPO's dynamic sampling drops these rows
 *     ({@code filter_zero_std_groups}), see {@link Advantages#keptRows(boolean[])}
 * @param fracRewardZeroStd fraction of groups whose rewards are all equal (TRL metric
 *     {@code frac_reward_zero_std}); a group of one counts as all equal
 */
public record AdvantageResult(double[] advantages, boolean[] zeroStdRow, double fracRewardZeroStd) {}
