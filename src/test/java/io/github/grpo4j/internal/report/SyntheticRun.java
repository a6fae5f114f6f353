package io.github.grpo4j.internal.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a small run directory by hand (not through MetricsLog, so the reader is tested against the
 * documented format): 30 steps; no clip_ratio, step_time, learning_rate or throughput metrics; kl
 * written as null (NaN) at step 7; eval/accuracy at steps 10, 20, 30; a cut-off last line; samples
 * at steps 1, 15, 30, one completion trying to inject a script.
 */
final class SyntheticRun {
    static final int STEPS = 30;
    /** The completion of the first sample at the last step; must show as text, never run. */
    static final String EVIL = "<script>document.body.setAttribute('data-pwned','yes')</script> & \"quoted\"";

    private SyntheticRun() {}

    /** reward at step s: rises linearly with a dip at step 20, so best (max) is step 29, not the last. */
    static double reward(int s) {
        return s == 30 ? 0.5 : 0.1 + 0.02 * s;
    }

    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder m = new StringBuilder();
        for (int s = 1; s <= STEPS; s++) {
            m.append(String.format(Locale.ROOT,
                    "{\"step\": %d, \"loss\": %s, \"grad_norm\": %s, \"reward\": %s, \"reward_std\": 0.2, "
                            + "\"rewards/format/mean\": %s, \"rewards/correct/mean\": %s, \"kl\": %s, "
                            + "\"entropy\": %s, \"completions/mean_length\": %d, \"completions/min_length\": %d, "
                            + "\"completions/max_length\": %d, \"note\": \"ignored text\"}\n",
                    s, 0.01 * (s % 5), 1.0 / s, reward(s), Math.min(1.0, 0.05 * s), 0.02 * s,
                    s == 7 ? "null" : Double.toString(0.001 * s), 2.0 - 0.03 * s, 20 + s, 5 + s, 40 + s));
            if (s % 10 == 0) {
                m.append(String.format(Locale.ROOT, "{\"step\": %d, \"eval/accuracy\": %s, \"eval/reward\": %s}\n",
                        s, 0.1 * s / 10, 0.2 * s / 10));
            }
        }
        m.append("{\"step\": 31, \"loss\": 0.1, \"rew"); // killed mid-line: no newline, not JSON
        Files.writeString(dir.resolve(RunFiles.METRICS), m.toString(), StandardCharsets.UTF_8);

        StringBuilder smp = new StringBuilder();
        for (int s : new int[] {1, 15, 30}) {
            for (int i = 0; i < 3; i++) {
                String completion = s == 30 && i == 0 ? EVIL : "answer " + i + " at step " + s;
                smp.append("{\"step\": ").append(s).append(", \"prompt\": \"What is 2+")
                        .append(i).append("? </pre>\", \"completion\": ")
                        .append(RunFiles.JSON.writeValueAsString(completion))
                        .append(", \"reward\": ").append(i == 0 ? "0.9" : "null")
                        .append(", \"rewards\": {\"format\": 1.0, \"correct\": ").append(i == 0 ? "0.8" : "0")
                        .append("}}\n");
            }
        }
        Files.writeString(dir.resolve(RunFiles.SAMPLES), smp.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(RunFiles.CONFIG), "model: tiny\nsystem_prompt: \"<b>be brief</b>\"\nbeta: 0.04\n");
        return dir;
    }
}
