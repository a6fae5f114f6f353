package io.github.grpo4j;

import java.util.List;
import java.util.Map;

/**
 * What one GRPO step produced: its metrics, every completion with its reward, and each completion's
 * advantage. Handed to {@link StepListener}s after the step is logged.
 *
 * @param step       the step number, from 1
 * @param metrics    the step's metrics by TRL's names ({@code loss}, {@code reward}, {@code reward_std},
 *                   {@code rewards/<fn>/mean}, {@code kl}, {@code entropy}, {@code clip_ratio/region_mean},
 *                   {@code completions/mean_length}, {@code learning_rate}, {@code grad_norm}, ...; the README's
 *                   metrics table explains each); {@code kl} only when {@code loss.beta} ≠ 0
 * @param samples    every completion of the step, groups in order (the G completions of a prompt are consecutive)
 * @param advantages the advantage Â of each completion (docs/algorithm.md §2), same order as {@code samples}
 */
public record StepResult(int step, Map<String, Double> metrics, List<Sample> samples, double[] advantages) {

    /**
     * One metric of this step.
     *
     * @param name a metric name such as {@code "reward"} or {@code "rewards/correct/mean"}
     * @return its value, or NaN when this step did not log it
     */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
