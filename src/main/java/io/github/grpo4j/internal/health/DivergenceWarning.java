package io.github.grpo4j.internal.health;

import java.util.Locale;

/**
 * A quality signal that fell while the KL to the reference rose: what fell, from where to where, and the
 * KL at both ends.
 *
 * @param signal    the metric that fell: {@code eval/accuracy}, {@code eval/reward} or {@code reward}
 *                  (the training reward, as means over windows of {@link DivergenceCheck#WINDOW} steps)
 * @param bestStep  step of the best value before the fall
 * @param best      that best value
 * @param lastStep  step of the latest value
 * @param last      the latest value
 * @param klAtBest  mean {@code kl} over the window ending at {@code bestStep}; null when the run logs no KL (β = 0)
 * @param klNow     mean {@code kl} over the window ending at {@code lastStep}; null when the run logs no KL
 */
public record DivergenceWarning(String signal, int bestStep, double best, int lastStep, double last,
        Double klAtBest, Double klNow) {

    /** The usual causes, named in every warning. */
    public static final String CAUSES = "usual causes: learning rate too high (training.learning_rate), no or too short"
            + " warm-up (training.warmup_steps), sampling temperature too high (generation.temperature)";

    /** One line for the console and the report. */
    public String message() {
        String what = switch (signal) {
            case "eval/accuracy" -> "held-out accuracy";
            case "eval/reward" -> "held-out reward";
            default -> "mean training reward (" + DivergenceCheck.WINDOW + "-step windows)";
        };
        String points = signal.equals("reward") ? "windows" : "evaluations";
        String kl = klAtBest == null ? "(no KL logged: beta is 0)"
                : String.format(Locale.ROOT, "while kl rose from %s to %s", num(klAtBest), num(klNow));
        return String.format(Locale.ROOT, "warning: %s has stayed below its best for the last %d %s, %s at step %d"
                        + " -> %s at step %d, %s; the run may be diverging. %s.",
                what, DivergenceCheck.FALLS, points, value(best), bestStep, value(last), lastStep, kl, CAUSES);
    }

    private String value(double v) {
        return signal.equals("eval/accuracy") ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : num(v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
