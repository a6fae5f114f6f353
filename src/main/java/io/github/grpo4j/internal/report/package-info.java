/**
 * Plots and the run report.
 *
 * <p>A run directory holds {@code metrics.jsonl} (one JSON object per training step, {@code step}
 * first, then the metrics of docs/algorithm.md §6; evaluation lines carry {@code eval/...} keys; NaN is written
 * as {@code null}), {@code samples.jsonl} ({@code step}, {@code prompt}, {@code completion},
 * {@code reward}, {@code rewards}, and for a multi-turn episode {@code conversation}, its messages), {@code config.yaml} and, at the end, {@code summary.json}. The
 * trainer writes them with {@code train.MetricsLog}; {@link io.github.grpo4j.internal.report.RunFiles} reads
 * them, tolerating the cut-off last line a killed or running trainer leaves;
 * {@link io.github.grpo4j.internal.report.RunReport} turns them into {@code report.html} and {@code plots/*.png}.
 */
package io.github.grpo4j.internal.report;
