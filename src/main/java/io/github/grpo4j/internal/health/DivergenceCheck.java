package io.github.grpo4j.internal.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides whether a run is going wrong, from its metric series alone (metric → step → value, as
 * {@code metrics.jsonl} holds them). The rule, per quality signal:
 * <ol>
 *   <li>its points: each evaluation of {@code eval/accuracy} or {@code eval/reward} (the evaluation before
 *       training included), or the mean of the training {@code reward} over consecutive windows of
 *       {@link #WINDOW} logged steps (one evaluation or one window mean is too noisy to act on);
 *   <li>the last {@link #FALLS} points all lie below the best point before them, and the latest is below
 *       that best by at least {@link #RELATIVE_DROP} of it (and at least {@link #ABSOLUTE_DROP});
 *   <li>and {@code kl} rose: its mean over the {@link #WINDOW} steps ending at the latest point exceeds its
 *       mean over the window ending at the best point. A run that logs no {@code kl} (β = 0) is judged on
 *       the fall alone.
 * </ol>
 * A quality signal that falls while the policy moves away from its reference is the usual picture of a
 * learning rate that is too high, a missing warm-up or a sampling temperature at which most groups carry
 * no signal; a noisy plateau (no clear drop) or a recovery does not fire.
 */
public final class DivergenceCheck {
    /** Points (evaluations or reward windows) that must all lie below the earlier best. */
    public static final int FALLS = 3;
    /** Logged steps per training-reward window, and of the KL means. */
    public static final int WINDOW = 25;
    /** Smallest fall, relative to the best value, that counts. */
    public static final double RELATIVE_DROP = 0.10;
    /** Smallest fall in absolute terms (accuracy is a fraction: 0.01 is one point). */
    public static final double ABSOLUTE_DROP = 0.01;

    /** The quality signals, in the order they are judged. */
    static final List<String> SIGNALS = List.of("eval/accuracy", "eval/reward", "reward");

    /**
     * The signals judged for these series: held-out reward only when there is no accuracy (a built-in
     * task's held-out reward is its accuracy; one warning is enough).
     */
    static List<String> signals(Map<String, ? extends NavigableMap<Integer, Double>> series) {
        List<String> out = new ArrayList<>();
        for (String signal : SIGNALS) {
            if (signal.equals("eval/reward") && series.containsKey("eval/accuracy")) {
                continue;
            }
            out.add(signal);
        }
        return out;
    }

    private DivergenceCheck() {}

    /**
     * Judges the run as it stands: the first signal (in the order accuracy, held-out reward, training
     * reward) whose latest points show a fall with the KL rising.
     *
     * @param series metric name → (step → value); missing metrics are simply not judged
     */
    public static Optional<DivergenceWarning> check(Map<String, ? extends NavigableMap<Integer, Double>> series) {
        for (String signal : signals(series)) {
            Optional<DivergenceWarning> w = check(signal, series);
            if (w.isPresent()) {
                return w;
            }
        }
        return Optional.empty();
    }

    /** Judges one signal as the run stands. */
    static Optional<DivergenceWarning> check(String signal, Map<String, ? extends NavigableMap<Integer, Double>> series) {
        NavigableMap<Integer, Double> s = series.get(signal);
        if (s == null || s.isEmpty()) {
            return Optional.empty();
        }
        NavigableMap<Integer, Double> points = signal.equals("reward") ? windowMeans(s) : s;
        if (points.size() < FALLS + 1) {
            return Optional.empty();
        }
        List<Map.Entry<Integer, Double>> p = new ArrayList<>(points.entrySet());
        int n = p.size();
        Map.Entry<Integer, Double> best = p.get(0);
        for (int i = 1; i < n - FALLS; i++) {
            if (p.get(i).getValue() > best.getValue()) {
                best = p.get(i);
            }
        }
        for (int i = n - FALLS; i < n; i++) {
            if (!(p.get(i).getValue() < best.getValue())) {
                return Optional.empty();
            }
        }
        Map.Entry<Integer, Double> last = p.get(n - 1);
        double drop = Math.max(RELATIVE_DROP * Math.abs(best.getValue()), ABSOLUTE_DROP);
        if (best.getValue() - last.getValue() < drop) {
            return Optional.empty();
        }
        NavigableMap<Integer, Double> kl = series.get("kl");
        Double klAtBest = null;
        Double klNow = null;
        if (kl != null && !kl.isEmpty()) {
            klAtBest = meanEndingAt(kl, best.getKey());
            klNow = meanEndingAt(kl, last.getKey());
            if (!(klNow > klAtBest)) {
                return Optional.empty();
            }
        }
        return Optional.of(new DivergenceWarning(signal, best.getKey(), best.getValue(), last.getKey(),
                last.getValue(), klAtBest, klNow));
    }

    /**
     * Replays a whole run step by step and returns the first warning of each signal, in the order they
     * would have fired during training (what the console printed, for the report).
     */
    public static List<DivergenceWarning> history(Map<String, ? extends NavigableMap<Integer, Double>> series) {
        TreeSet<Integer> steps = new TreeSet<>();
        for (String signal : SIGNALS) {
            NavigableMap<Integer, Double> s = series.get(signal);
            if (s != null) {
                steps.addAll(s.keySet());
            }
        }
        List<DivergenceWarning> out = new ArrayList<>();
        List<String> fired = new ArrayList<>();
        for (int step : steps) {
            Map<String, NavigableMap<Integer, Double>> upTo = new TreeMap<>();
            series.forEach((k, v) -> upTo.put(k, v.headMap(step, true)));
            for (String signal : signals(series)) {
                if (!fired.contains(signal)) {
                    check(signal, upTo).ifPresent(w -> {
                        fired.add(signal);
                        out.add(w);
                    });
                }
            }
        }
        return out;
    }

    /** Means of consecutive complete windows of {@link #WINDOW} points, keyed by each window's last step. */
    static NavigableMap<Integer, Double> windowMeans(NavigableMap<Integer, Double> s) {
        NavigableMap<Integer, Double> out = new TreeMap<>();
        double sum = 0;
        int count = 0;
        for (Map.Entry<Integer, Double> e : s.entrySet()) {
            sum += e.getValue();
            if (++count == WINDOW) {
                out.put(e.getKey(), sum / WINDOW);
                sum = 0;
                count = 0;
            }
        }
        return out;
    }

    /**
     * Mean of the values in the {@link #WINDOW} steps ending at {@code step}; with none there, the latest
     * value before it, else the first value (the KL at the start, before any was logged).
     */
    static double meanEndingAt(NavigableMap<Integer, Double> s, int step) {
        NavigableMap<Integer, Double> w = s.subMap(step - WINDOW, false, step, true);
        if (!w.isEmpty()) {
            return w.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        }
        Map.Entry<Integer, Double> before = s.floorEntry(step);
        return before != null ? before.getValue() : s.firstEntry().getValue();
    }
}
