package io.github.grpo4j.train;

import java.util.List;
import java.util.Map;

/** Scores a batch of completions: the trainer's view of the reward functions. */
public interface RewardScorer {

    /**
     * @param prompts         the prompt of each completion (row r of the batch)
     * @param completions     decoded completion texts
     * @param completionTokens token count of each completion
     * @param truncated       whether each completion hit the length limit
     */
    Scores score(List<Prompt> prompts, List<String> completions, int[] completionTokens, boolean[] truncated);

    /**
     * @param total       weighted reward per completion (GRPO.md §1: nansum of w_k·r_k)
     * @param perFunction raw score of each function per completion, NaN where it does not apply
     */
    record Scores(double[] total, Map<String, double[]> perFunction) {}
}
