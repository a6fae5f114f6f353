package io.github.grpo4j;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a training run ended.
 *
 * @param steps          steps completed, those before a resume included
 * @param outputDir      the run directory: {@code metrics.jsonl}, {@code samples.jsonl}, checkpoints,
 *                       {@code final/} (the trained model), {@code report.html}
 * @param accuracyBefore held-out greedy accuracy before training, for built-in tasks; otherwise null
 * @param accuracyAfter  held-out greedy accuracy at the end, for built-in tasks; otherwise null
 * @param seconds        wall time of the run: this call, plus after a resume the earlier processes' time
 *                       up to the checkpoint it resumed from
 * @param lastMetrics    the metrics of the last step (empty when no step ran)
 */
public record TrainResult(int steps, Path outputDir, Double accuracyBefore, Double accuracyAfter, double seconds,
        Map<String, Double> lastMetrics) {}
