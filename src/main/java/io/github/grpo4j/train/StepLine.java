package io.github.grpo4j.train;

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
