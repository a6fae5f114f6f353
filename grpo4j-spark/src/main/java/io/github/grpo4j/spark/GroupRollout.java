package io.github.grpo4j.spark;

import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.policy.Completions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One prompt group after the first pass on an executor: its G completions, their rewards, and the
 * log-probs the update needs that do not change during the step (the reference's; π_old's when μ &gt; 1).
 * Kept (persisted) on the executors for the step's passes; the driver collects them for the advantages and
 * the metrics.
 *
 * @param prompt      the group's prompt
 * @param tokens      completion token ids per row
 * @param logProbs    the sampling log-probs per row and token
 * @param truncated   per row, whether it hit the length limit
 * @param texts       the decoded completions
 * @param rewardNames the reward functions' names
 * @param rewardWeights the reward functions' weights
 * @param perFunction {@code [function][row]} raw scores
 * @param total       weighted reward per row
 * @param nonFinite   per function, non-finite scores in this group
 * @param errors      per function, completions it failed on in this group
 * @param refLogProbs per row, log π_ref of each completion token, or null (β = 0)
 * @param oldLogProbs per row, log π_old of each completion token, or null (μ = 1)
 */
record GroupRollout(
        GroupPrompt prompt, int[][] tokens, float[][] logProbs, boolean[] truncated, ArrayList<String> texts,
        ArrayList<String> rewardNames, double[] rewardWeights, double[][] perFunction, double[] total,
        int[] nonFinite, int[] errors, float[][] refLogProbs, float[][] oldLogProbs) implements Serializable {

    int group() {
        return prompt.group();
    }

    Completions completions() {
        return new Completions(tokens, logProbs, truncated, new int[tokens.length]);
    }

    RewardResult rewards() {
        return new RewardResult(List.copyOf(rewardNames), rewardWeights, perFunction, total, nonFinite, errors);
    }
}
