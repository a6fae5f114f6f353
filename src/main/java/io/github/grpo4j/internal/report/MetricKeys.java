package io.github.grpo4j.internal.report;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The metric names of docs/algorithm.md §6 in their canonical order, used to write {@code metrics.jsonl} with
 * a stable key order and to list metrics in the report: the TRL training metrics in the spec's order
 * (per-function {@code rewards/<fn>/...} right after {@code reward_std}), then {@code eval/...}, then
 * anything else alphabetically.
 */
public final class MetricKeys {
    private MetricKeys() {}

    /** The metrics of docs/algorithm.md §6, in the order the spec lists them. */
    public static final List<String> TRAINING = List.of(
            "loss", "grad_norm", "learning_rate", "reward", "reward_std",
            // rewards/<fn>/mean and rewards/<fn>/std sort here
            "frac_reward_zero_std", "kl", "entropy",
            "completions/mean_length", "completions/min_length", "completions/max_length",
            "completions/clipped_ratio",
            "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean",
            "num_tokens", "step_time", "gen_tokens_per_s", "train_tokens_per_s");

    /** Prefix of the per-reward-function metrics ({@code rewards/<fn>/mean}, {@code rewards/<fn>/std}). */
    public static final String REWARDS_PREFIX = "rewards/";
    /** Prefix of evaluation metrics ({@code eval/accuracy}, {@code eval/reward}, ...). */
    public static final String EVAL_PREFIX = "eval/";

    /** Canonical order of metric names; total and consistent with {@code equals}. */
    public static final Comparator<String> ORDER =
            Comparator.comparingDouble(MetricKeys::rank).thenComparing(Comparator.naturalOrder());

    private static double rank(String key) {
        int i = TRAINING.indexOf(key);
        if (i >= 0) {
            return i;
        }
        if (key.startsWith(REWARDS_PREFIX)) {
            return TRAINING.indexOf("reward_std") + 0.5;
        }
        if (key.startsWith(EVAL_PREFIX)) {
            return TRAINING.size();
        }
        return TRAINING.size() + 1;
    }

    /** Which way a metric improves, for the report's "best" column. */
    public enum Direction { HIGHER_IS_BETTER, LOWER_IS_BETTER }

    /**
     * The direction in which {@code key} gets better, or empty when "best" means nothing for it (a
     * GRPO loss, KL or entropy is not a quality measure to maximise or minimise on its own).
     */
    public static Optional<Direction> direction(String key) {
        if (key.equals("reward") || key.endsWith("/accuracy") || key.equals("eval/reward")
                || (key.startsWith(REWARDS_PREFIX) && key.endsWith("/mean"))
                || key.equals("gen_tokens_per_s") || key.equals("train_tokens_per_s")) {
            return Optional.of(Direction.HIGHER_IS_BETTER);
        }
        if (key.equals("step_time")) {
            return Optional.of(Direction.LOWER_IS_BETTER);
        }
        return Optional.empty();
    }
}
