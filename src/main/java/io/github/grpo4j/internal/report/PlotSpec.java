package io.github.grpo4j.internal.report;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One plot of the report: which metrics it draws as lines against the step.
 *
 * @param id      file name without extension ({@code plots/<id>.png}) and HTML anchor
 * @param title   plot title
 * @param yAxis   y axis title
 * @param keys    metric names drawn when present, in this order
 * @param pattern further metric names drawn when present (e.g. {@code rewards/<fn>/mean}), or null
 */
public record PlotSpec(String id, String title, String yAxis, List<String> keys, Pattern pattern) {
    public PlotSpec {
        keys = List.copyOf(keys);
    }

    /** The report's plots, in page order (the metrics of docs/algorithm.md §6 a person watches during a run). */
    public static final List<PlotSpec> STANDARD = List.of(
            new PlotSpec("reward", "Reward (mean and per function)", "reward", List.of("reward"),
                    Pattern.compile("rewards/.+/mean")),
            new PlotSpec("eval_accuracy", "Held-out accuracy and pass@k", "accuracy", List.of("eval/accuracy"),
                    Pattern.compile("eval/(greedy|sampled)/pass@\\d+")),
            new PlotSpec("eval_reward", "Held-out reward (greedy and sampled, mean and per function)", "reward",
                    List.of("eval/greedy/reward", "eval/sampled/reward"), Pattern.compile("eval/(greedy|sampled)/rewards/.+/mean")),
            new PlotSpec("loss", "Loss", "loss", List.of("loss"), null),
            new PlotSpec("kl", "KL to the reference policy", "mean token KL", List.of("kl"), null),
            new PlotSpec("entropy", "Entropy of the policy (mean and per position bucket)", "mean token entropy",
                    List.of("entropy"), Pattern.compile("entropy/pos_.+")),
            new PlotSpec("completion_length", "Completion length", "tokens",
                    List.of("completions/mean_length", "completions/min_length", "completions/max_length"), null),
            new PlotSpec("clip_ratio", "Clip ratios", "fraction of tokens",
                    List.of("clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean",
                            "cispo_clip_ratio"), null),
            new PlotSpec("grad_norm", "Gradient norm", "grad norm", List.of("grad_norm"), null),
            new PlotSpec("step_time", "Step time", "seconds", List.of("step_time"), null));

    /** The metrics of this plot among {@code available}: {@link #keys} first, then pattern matches. */
    public List<String> select(Collection<String> available) {
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            if (available.contains(k)) {
                out.add(k);
            }
        }
        if (pattern != null) {
            available.stream().filter(k -> pattern.matcher(k).matches() && !out.contains(k))
                    .sorted(MetricKeys.ORDER).forEach(out::add);
        }
        return out;
    }

    /** What the plot needs, for the "not plotted" note: e.g. {@code kl} or {@code reward or rewards/<fn>/mean}. */
    public String needs() {
        String fixed = String.join(", ", keys);
        return pattern == null ? fixed : fixed + " or " + pattern.pattern().replace(".+", "<fn>");
    }
}
