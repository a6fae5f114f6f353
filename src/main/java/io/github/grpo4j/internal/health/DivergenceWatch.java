package io.github.grpo4j.internal.health;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link DivergenceCheck} during a run: collects the metrics as they are logged and reports each signal's
 * warning once, the first time it fires (the report replays the same rule with
 * {@link DivergenceCheck#history}).
 */
public final class DivergenceWatch {
    private final Map<String, NavigableMap<Integer, Double>> series = new LinkedHashMap<>();
    private final Set<String> fired = new HashSet<>();

    /** Records the finite values logged at a step (training or evaluation metrics). */
    public void add(int step, Map<String, Double> metrics) {
        metrics.forEach((k, v) -> {
            if (v != null && Double.isFinite(v)) {
                series.computeIfAbsent(k, x -> new TreeMap<>()).put(step, v);
            }
        });
    }

    /** A warning when a signal fires that had not fired before in this run, else empty. */
    public Optional<DivergenceWarning> poll() {
        for (String signal : DivergenceCheck.signals(series)) {
            if (!fired.contains(signal)) {
                Optional<DivergenceWarning> w = DivergenceCheck.check(signal, series);
                if (w.isPresent()) {
                    fired.add(signal);
                    return w;
                }
            }
        }
        return Optional.empty();
    }
}
