package io.github.grpo4j.internal.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code metrics.jsonl}: the step and the numeric values logged for it. A training line
 * holds the TRL metrics of docs/algorithm.md §6; an evaluation line holds keys starting with {@code eval/}. A
 * value written as JSON {@code null} (how the writer stores NaN and infinities) reads as NaN.
 *
 * @param step   the training step (1-based) the values belong to
 * @param values metric name → value, in file order; unmodifiable
 */
public record MetricRow(int step, Map<String, Double> values) {
    public MetricRow {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
