package io.github.grpo4j.internal.train;

import io.github.grpo4j.internal.report.MetricRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The one console line per step: the metrics a user watches, with TRL's names. */
final class StepLine {
    private StepLine() {}

    private static final String[] KEYS = {
        "loss", "reward", "reward_std", "kl", "entropy", "completions/mean_length", "clip_ratio/region_mean",
        "grad_norm", "learning_rate", "step_time"
    };

    static String format(int step, int maxSteps, Map<String, Double> m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "step %d/%d", step, maxSteps));
        for (String k : KEYS) {
            Double v = m.get(k);
            if (v != null) {
                sb.append(" | ").append(k).append(' ').append(number(v));
            }
        }
        return sb.toString();
    }

    /** Short form for the progress bar. */
    static String brief(Map<String, Double> m) {
        return String.format(Locale.ROOT, "reward %s kl %s %.1fs/step", number(m.getOrDefault("reward", Double.NaN)),
                number(m.getOrDefault("kl", 0.0)), m.getOrDefault("step_time", 0.0));
    }

    /** The reward curve in one line: mean reward over each tenth of the run's steps. */
    static String rewardCurve(List<MetricRow> rows) {
        List<Double> rewards = new ArrayList<>();
        for (MetricRow r : rows) {
            Double v = r.values().get("reward");
            if (v != null) {
                rewards.add(v);
            }
        }
        StringBuilder sb = new StringBuilder("reward curve (mean of each tenth of the run):");
        int parts = Math.min(10, rewards.size());
        for (int k = 0; k < parts; k++) {
            int from = k * rewards.size() / parts;
            int to = (k + 1) * rewards.size() / parts;
            double sum = 0;
            for (int i = from; i < to; i++) {
                sum += rewards.get(i);
            }
            sb.append(' ').append(String.format(Locale.ROOT, "%.3f", sum / (to - from)));
        }
        return sb.toString();
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
