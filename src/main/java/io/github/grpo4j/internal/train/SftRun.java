package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.config.SftConfig;
import io.github.grpo4j.internal.config.SftTrainingSection;
import io.github.grpo4j.internal.data.PromptDataset;
import io.github.grpo4j.internal.data.PromptEncoder;
import io.github.grpo4j.internal.data.PromptRow;
import io.github.grpo4j.internal.data.PromptSampler;
import io.github.grpo4j.internal.data.tasks.Task;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A supervised warm start from an {@link SftConfig}: (prompt, completion) pairs from a file or a
 * built-in task's reference answers, each completion followed by EOS. Writes {@code metrics.jsonl} and
 * the trained model to {@code <output_dir>/final}.
 */
public final class SftRun {

    private final SftConfig config;
    private final PrintStream console;

    public SftRun(SftConfig config, PrintStream console) {
        this.config = config;
        this.console = console;
    }

    /**
     * Trains and returns the directory of the final model. An earlier attempt's logs in the output
     * directory are replaced (SFT has no checkpoints: a rerun starts over).
     */
    public Path run() {
        try (RunDirectory dir = RunDirectory.open(Path.of(config.outputDir()))) {
            return run(dir.path(), dir);
        }
    }

    private Path run(Path out, RunDirectory dir) {
        long t0 = System.nanoTime();
        var d = config.data();
        Task task = RunParts.task(d.task(), d.taskOptions());
        Tokenizer tokenizer = RunParts.tokenizer(config.model(), task);
        PromptDataset data = RunParts.trainData(d.trainFile(), d.promptField(), d.messagesField(), task, config.seed(),
                config.training().maxSteps() * config.training().batchSize());
        String completionField = task != null && d.trainFile() == null ? "answer" : d.completionField();
        data.requireField(completionField, "sft data.completion_field");
        PromptEncoder encoder = new PromptEncoder(tokenizer, d.maxLength());
        SftTrainingSection t = config.training();
        var options = new SftTrainer.Options(t.microBatchSize(),
                new LrSchedule(t.lrSchedulerType(), t.learningRate(), t.effectiveWarmupSteps(),
                        t.maxSteps()),
                AdamW.Options.of(t),
                t.maxGradNorm(), t.assistantOnlyLoss() ? TargetMask.toolResponses(tokenizer) : TargetMask.ALL);
        // written once the parts are built, so a run that fails to start leaves no config.yaml behind
        dir.writeConfig(config, false);
        MetricsLog log = MetricsLog.startOver(out);
        int eos = tokenizer.eosIds()[0];
        try (LanguageModelPolicy policy = RunParts.policy(config.model(), tokenizer, config.seed());
                SftTrainer trainer = new SftTrainer(policy, options)) {
            PromptSampler sampler = new PromptSampler(data, t.batchSize(), config.seed(), d.shuffle());
            for (int step = 1; step <= t.maxSteps(); step++) {
                long s0 = System.nanoTime();
                List<int[]> prompts = new ArrayList<>();
                List<int[]> targets = new ArrayList<>();
                for (PromptRow row : sampler.next()) {
                    int[] target = withEos(tokenizer.encode(String.valueOf(row.field(completionField))), eos);
                    int[] prompt = PromptEncoder.leftTruncate(encoder.encode(row),
                            Math.max(1, d.maxLength() - target.length));
                    if (target.length >= d.maxLength()) {
                        throw new Grpo4jException("row at line " + row.line() + ": completion of " + target.length
                                + " tokens does not fit data.max_length " + d.maxLength());
                    }
                    prompts.add(prompt);
                    targets.add(target);
                }
                Map<String, Double> m;
                try (ExitGate.Pass pass = ExitGate.PROCESS.enter()) { // the JVM may end only between steps
                    m = new java.util.LinkedHashMap<>(trainer.step(prompts, targets));
                }
                m.put("step_time", (System.nanoTime() - s0) / 1e9);
                log.append(step, m);
                int every = config.logging().loggingSteps();
                if (every > 0 && (step % every == 0 || step == t.maxSteps())) {
                    console.println("sft " + StepLine.format(step, t.maxSteps(), m));
                }
            }
            Path fin = saveAtomically(policy, out.resolve("final"));
            console.printf("SFT done: %d steps in %.0f s -> %s%n", t.maxSteps(), (System.nanoTime() - t0) / 1e9, fin);
            return fin;
        }
    }

    /**
     * Saves under a temporary name and renames, so {@code dir} is either absent or complete: a process
     * killed while saving leaves {@code <dir>.tmp}, which is never used and is replaced next time.
     */
    static Path saveAtomically(LanguageModelPolicy policy, Path dir) {
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        Checkpoints.deleteTree(tmp);
        policy.save(tmp);
        KillPoint.reach("sft.final");
        Checkpoints.deleteTree(dir);
        Checkpoints.moveAtomically(tmp, dir);
        return dir;
    }

    static int[] withEos(int[] ids, int eos) {
        int[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = eos;
        return out;
    }

    /** Whether a model directory was saved completely (by {@link #saveAtomically}: whether it exists). */
    static boolean complete(Path modelDir) {
        return Files.isDirectory(modelDir) && Files.isRegularFile(modelDir.resolve("config.json")) && Files.isRegularFile(modelDir.resolve("model.safetensors"));
    }
}
