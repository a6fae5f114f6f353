package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.internal.cli.Main;
import io.github.grpo4j.internal.model.Safetensors;
import io.github.grpo4j.internal.report.MetricRow;
import io.github.grpo4j.internal.report.RunFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a small from-scratch built-in run (1-layer model, character tokenizer, SFT warm start,
 * GRPO with checkpoints every 2 steps) runs as a separate JVM ({@code grpo4j train}) and is killed with
 * SIGKILL ({@code kill -9}) again and again, each time resumed with {@code --resume}. The kills land at
 * random moments during SFT and GRPO steps (a random delay after a random step's line, at most the time
 * between the last two step lines, so that it lands in the next step even when steps take a few ms) and at named
 * points inside the file writes ({@link KillPoint}: between a checkpoint's files, before the SFT model is
 * renamed into place, after the final save). The run that survives all of them must log every step
 * exactly once, and its metrics (timing aside), samples, SFT model and final weights must equal an
 * uninterrupted run's, bit for bit.
 *
 * <p>CI runs 3 kills. The full harness: {@code ./mvnw -o test -Dtest=ChaosTest -Dchaos.kills=20}
 * (optionally {@code -Dchaos.seed=N} for another random plan).
 */
class ChaosTest {

    private static final int SFT_STEPS = 12;
    private static final int GRPO_STEPS = 8;
    private static final String MODEL = """
            {"model_type": "qwen2", "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
             "num_attention_heads": 2, "num_key_value_heads": 1, "max_position_embeddings": 128,
             "tie_word_embeddings": true}
            """;

    /** One planned kill: at a named {@link KillPoint}, or a random delay after a line starting with a prefix. */
    record Kill(String point, String afterLine, int delayMillis) {
        @Override
        public String toString() {
            return point != null ? "at " + point : "≤" + delayMillis + " ms after '" + afterLine + "'";
        }
    }

    @Test
    void aRunKilledAtRandomMomentsAndResumedEachTimeEqualsTheUninterruptedRun(@TempDir Path tmp) throws Exception {
        int kills = Integer.getInteger("chaos.kills", 3);
        Random random = new Random(Long.getLong("chaos.seed", 19L));
        Path model = tmp.resolve("model.json");
        Files.writeString(model, MODEL);

        Path straight = tmp.resolve("straight");
        assertThat(train(straight, model, null).exitCode()).isZero();

        Path chaos = tmp.resolve("chaos");
        List<String> log = new ArrayList<>();
        int delivered = 0;
        int attempts = 0;
        List<Kill> plan = plan(kills, random);
        for (int i = 0; i < plan.size(); i++) {
            Kill kill = resolve(plan.get(i), chaos, random);
            Outcome o = train(chaos, model, kill);
            attempts++;
            log.add(kill + ": " + (o.killed() ? "killed" : "ended with exit code " + o.exitCode()));
            if (o.killed()) {
                delivered++;
            } else {
                assertThat(o.exitCode()).as("a run that was not killed succeeds: %s", o.output()).isZero();
            }
        }
        Outcome last = train(chaos, model, null);
        assertThat(last.exitCode()).as(last.output()).isZero();
        System.out.printf("chaos: %d kills planned, %d delivered (SIGKILL), %d processes on the killed run; plan: %s%n",
                kills, delivered, attempts + 1, log);
        assertThat(delivered).as("kills that hit a live process: %s", log).isGreaterThanOrEqualTo(Math.max(1, kills * 3 / 4));

        assertSameRun(straight, chaos);
    }

    /** The kinds of moments, spread over the run's phases in the order the run reaches them. */
    static List<Kill> plan(int kills, Random random) {
        String[] kinds = {"sft-step", "checkpoint.model", "final.model", "grpo-step", "sft.final", "checkpoint.state",
                "grpo-step", "summary"};
        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            chosen.add(kinds[i % kinds.length]);
        }
        List<String> order = List.of("sft-step", "sft.final", "grpo-step", "checkpoint.model", "checkpoint.state",
                "final.model", "summary");
        // SFT before GRPO, GRPO steps and checkpoints interleaved, the final save last
        List<Kill> plan = new ArrayList<>();
        for (String phase : List.of("sft-step", "sft.final")) {
            chosen.stream().filter(phase::equals).forEach(k -> plan.add(kill(k, random)));
        }
        List<Kill> middle = new ArrayList<>();
        chosen.stream().filter(k -> order.indexOf(k) >= 2 && order.indexOf(k) <= 4).forEach(k -> middle.add(kill(k, random)));
        java.util.Collections.shuffle(middle, random);
        plan.addAll(middle);
        for (String phase : List.of("final.model", "summary")) {
            chosen.stream().filter(phase::equals).forEach(k -> plan.add(kill(k, random)));
        }
        return plan;
    }

    private static Kill kill(String kind, Random random) {
        return switch (kind) {
            case "sft-step" -> new Kill(null, "sft step " + (1 + random.nextInt(SFT_STEPS - 1)) + "/", random.nextInt(100));
            case "grpo-step" -> new Kill(null, "grpo", random.nextInt(150));
            default -> new Kill(kind, null, 0);
        };
    }

    /**
     * Aims a GRPO kill at what the next process will reach: a step after the run's newest checkpoint, or
     * the first or second checkpoint it writes.
     */
    static Kill resolve(Kill kill, Path run, Random random) {
        int start = new Checkpoints(run, 0).latest().map(Checkpoints::stepOf).orElse(0);
        if (kill.point() != null && kill.point().startsWith("checkpoint.")) {
            int ahead = Math.max(1, (GRPO_STEPS - start) / 2);
            return new Kill(kill.point() + "#" + (1 + random.nextInt(Math.min(2, ahead))), null, 0);
        }
        if (!"grpo".equals(kill.afterLine())) {
            return kill;
        }
        int step = Math.min(GRPO_STEPS - 1, start + 1 + random.nextInt(2));
        return new Kill(null, "step " + step + "/", kill.delayMillis());
    }

    record Outcome(boolean killed, int exitCode, String output) {}

    /** Runs {@code grpo4j train --resume} in a JVM of its own, killing it with SIGKILL as {@code kill} says. */
    static Outcome train(Path out, Path model, Kill kill) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", "-Xmx1g"));
        if (kill != null && kill.point() != null) {
            cmd.add("-D" + KillPoint.PROPERTY + "=" + kill.point());
        }
        cmd.addAll(List.of(Main.class.getName(), "train", "--resume", "--no-progress", "--output-dir", out.toString(),
                "--model-config", model.toString(), "--steps", Integer.toString(GRPO_STEPS),
                "--set", "training.per_step_prompts=4", "--set", "generation.num_generations=4",
                "--set", "training.micro_batch_size=16", "--set", "checkpoint.save_steps=2",
                "--set", "logging.eval_steps=4", "--set", "logging.eval_prompts=8", "--set", "logging.num_sample_rows=2",
                "--sft-set", "training.max_steps=" + SFT_STEPS, "--sft-set", "training.batch_size=8",
                "--sft-set", "training.micro_batch_size=8", "--sft-set", "logging.logging_steps=1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        Process p = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process was killed
            }
            lines.add("\u0000EOF");
        });
        reader.setDaemon(true);
        reader.start();
        boolean killed = false;
        long lastStepLine = 0;
        long stepGapMillis = Long.MAX_VALUE;
        while (true) {
            String line = lines.poll(5, TimeUnit.MINUTES);
            if (line == null || line.equals("\u0000EOF")) {
                break;
            }
            output.append(line).append('\n');
            if (line.startsWith("sft step ") || line.startsWith("step ")) {
                long now = System.nanoTime();
                if (lastStepLine != 0) {
                    stepGapMillis = (now - lastStepLine) / 1_000_000;
                }
                lastStepLine = now;
            }
            if (kill == null || killed) {
                continue;
            }
            boolean atPoint = kill.point() != null && line.startsWith(KillPoint.ANNOUNCEMENT);
            boolean afterLine = kill.afterLine() != null && line.startsWith(kill.afterLine());
            if (atPoint || afterLine) {
                if (afterLine) {
                    // within the next step: on a quiet machine a tiny model's step takes a few ms, and a fixed
                    // delay would outlast the whole rest of the run (the kill would find it finished)
                    Thread.sleep(Math.min(kill.delayMillis(), stepGapMillis));
                }
                killed = p.isAlive();
                p.destroyForcibly(); // SIGKILL
            }
        }
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the process ends").isTrue();
        return new Outcome(killed, p.exitValue(), output.toString());
    }

    static void assertSameRun(Path straight, Path chaos) {
        for (String file : List.of("metrics.jsonl", "sft/metrics.jsonl")) {
            List<MetricRow> a = RunFiles.readMetrics(straight.resolve(file)).rows();
            List<MetricRow> b = RunFiles.readMetrics(chaos.resolve(file)).rows();
            assertThat(b.stream().map(MetricRow::step).toList()).as("%s: every step once, in order", file)
                    .isEqualTo(a.stream().map(MetricRow::step).toList());
            for (int i = 0; i < a.size(); i++) {
                assertThat(withoutTiming(b.get(i))).as("%s line %d", file, i + 1).isEqualTo(withoutTiming(a.get(i)));
            }
        }
        List<MetricRow> steps = RunFiles.readMetrics(straight.resolve("metrics.jsonl")).rows().stream()
                .filter(r -> r.values().containsKey("loss")).toList();
        assertThat(steps).as("GRPO steps").hasSize(GRPO_STEPS);
        assertThat(steps).as("precondition: the run trained").anyMatch(r -> r.values().get("grad_norm") > 0);
        assertThat(RunFiles.readSamples(chaos.resolve("samples.jsonl")).rows())
                .isEqualTo(RunFiles.readSamples(straight.resolve("samples.jsonl")).rows());
        for (String dir : List.of("final", "sft/final")) {
            Map<String, float[]> a = weights(straight.resolve(dir));
            Map<String, float[]> b = weights(chaos.resolve(dir));
            assertThat(b.keySet()).isEqualTo(a.keySet());
            a.forEach((k, w) -> assertThat(b.get(k)).as("%s %s", dir, k).containsExactly(w));
        }
        assertThat(chaos.resolve("sft/final.tmp")).doesNotExist();
        assertThat(chaos.resolve("summary.json")).exists();
        assertThat(chaos.resolve("report.html")).exists();
    }

    private static Map<String, Double> withoutTiming(MetricRow row) {
        Map<String, Double> m = new TreeMap<>(row.values());
        m.keySet().removeIf(TrainingRunTest::isTiming);
        return m;
    }

    private static Map<String, float[]> weights(Path modelDir) {
        Map<String, float[]> out = new TreeMap<>();
        try {
            for (var e : Safetensors.read(modelDir.resolve("model.safetensors")).entrySet()) {
                out.put(e.getKey(), Safetensors.toFloatArray(e.getKey(), e.getValue()));
            }
        } catch (UncheckedIOException e) {
            throw new AssertionError("cannot read " + modelDir, e);
        }
        return out;
    }
}
