package io.github.grpo4j.internal.cli;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.GrpoTrainer;
import io.github.grpo4j.TrainResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.train.BuiltInRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpo4j train}: a GRPO run from a config file, or the built-in run when none is given. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a policy with GRPO.",
            "Without --config: the built-in run. A tiny Qwen2-style model is built from scratch for the arithmetic",
            "task, warmed up by a short SFT (cached in <output_dir>/sft), then trained with GRPO; held-out accuracy",
            "is printed before and during training. With --config: the run that file describes",
            "(docs/configuration.md lists every key).",
            "Writes metrics.jsonl, samples.jsonl, config.yaml, checkpoints, the final model and report.html",
            "into the output directory."
        })
public final class TrainCommand implements Callable<Integer> {
    static {
        // the help quotes the built-in run's settings from its own config, so it cannot go stale
        String steps = "?";
        String dir = "?";
        try {
            GrpoConfig builtIn = ConfigLoader.loadBuiltIn(List.of());
            steps = Integer.toString(builtIn.training().maxSteps());
            dir = builtIn.outputDir();
        } catch (RuntimeException e) {
            // the help must print whatever happens; a broken built-in config shows up when it runs
        }
        System.setProperty("grpo4j.help.builtin.steps", steps);
        System.setProperty("grpo4j.help.builtin.output_dir", dir);
    }

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML or JSON config (default: the built-in run).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, dotted for sections (e.g. --set loss.beta=0); repeatable (default: none).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", description = "Continue from the newest complete checkpoint in the output directory (default: ${DEFAULT-VALUE}).")
    boolean resume;

    @Option(names = "--allow-config-change",
            description = "With --resume: continue even if the config differs from the run's config.yaml (the seed excepted); "
                    + "the earlier file is kept as config-N.yaml (default: ${DEFAULT-VALUE}: refused, naming each changed key).")
    boolean allowConfigChange;

    @Option(names = "--task", description = "Built-in task: arithmetic, countdown, sort or calculator (default: arithmetic, or the config's; calculator brings its own built-in config with tools).")
    String task;

    @Option(names = "--steps", description = "GRPO steps, same as --set training.max_steps=N (default: the config's; built-in ${sys:grpo4j.help.builtin.steps}).")
    Integer steps;

    @Option(names = "--model-config", paramLabel = "FILE",
            description = "A Hugging Face config.json for the model built from scratch (default: the config's; built-in: hidden 128, 4 layers).")
    Path modelConfig;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "Continue training this PEFT LoRA adapter on the config's base model, same as --set model.adapter=DIR (default: none).")
    Path adapter;

    @Option(names = "--output-dir", paramLabel = "DIR", description = "Run directory, same as --set output_dir=DIR (default: the config's; built-in ${sys:grpo4j.help.builtin.output_dir}).")
    Path outputDir;

    @Option(names = "--sft-set", paramLabel = "KEY=VALUE",
            description = "Override a key of the built-in run's SFT warm start (e.g. --sft-set training.max_steps=50); repeatable (default: none).")
    List<String> sftOverrides = new ArrayList<>();

    @Option(names = "--memory-limit", paramLabel = "GB",
            description = "Memory the run may use, in GB (10^9 bytes); a run whose estimated peak is larger is refused"
                    + " (default: the machine's, from /proc/meminfo).")
    Double memoryLimitGb;

    @Option(names = "--spark", paramLabel = "MASTER",
            description = "Run each step's prompt groups on an Apache Spark cluster: local[2], spark://host:7077; sets training.rollout_seeding=group (needs the grpo4j-spark module; docs/distributed.md).")
    String spark;

    @Option(names = "--no-progress", description = "Do not draw the progress bar (default: ${DEFAULT-VALUE}; the bar is drawn only on a terminal).")
    boolean noProgress;

    @Override
    public Integer call() {
        List<String> all = new ArrayList<>(overrides);
        if (task != null) {
            all.add("data.task=" + task);
            all.add("data.train_file=null");
        }
        if (steps != null) {
            all.add("training.max_steps=" + steps);
        }
        if (modelConfig != null) {
            all.add("model.config=" + modelConfig);
            all.add("model.path=null");
        }
        if (adapter != null) {
            all.add("model.adapter=" + adapter);
        }
        if (outputDir != null) {
            if (outputDir.toString().isBlank()) {
                throw new Grpo4jException("--output-dir is empty; give the run directory, e.g. --output-dir runs/mine");
            }
            all.add("output_dir=" + outputDir);
        }
        boolean progress = !noProgress && System.console() != null;
        long memoryLimit = memoryLimitGb == null ? 0 : (long) (memoryLimitGb * 1e9);
        TrainResult r;
        if (spark != null && config == null) {
            throw new Grpo4jException("--spark needs --config FILE (the built-in run's warm start runs on one machine)");
        }
        // found before the config is read: a one-line error without the grpo4j-spark module
        GrpoTrainer.Builder builder = spark == null ? GrpoTrainer.builder() : GrpoTrainer.builder().spark(spark);
        if (config == null) {
            // the warm start, then the same GrpoTrainer as below from the built-in config
            r = BuiltInRun.run(all, sftOverrides, grpo -> train(GrpoTrainer.builder().config(grpo), progress, memoryLimit),
                    System.out);
        } else {
            r = train(builder.config(config).set(all.toArray(String[]::new)), progress, memoryLimit);
        }
        if (r.accuracyBefore() != null && r.accuracyAfter() != null) {
            System.out.printf(Locale.ROOT, "Held-out accuracy: %.1f%% -> %.1f%% (%+.1f points) in %.0f s%n",
                    100 * r.accuracyBefore(), 100 * r.accuracyAfter(), 100 * (r.accuracyAfter() - r.accuracyBefore()),
                    r.seconds());
        }
        return 0;
    }

    /** Trains with the public {@link GrpoTrainer}, as a library user would, with this command's options. */
    private TrainResult train(GrpoTrainer.Builder builder, boolean progress, long memoryLimit) {
        try (GrpoTrainer trainer = builder.console(System.out).progressBar(progress).resume(resume)
                .allowConfigChange(allowConfigChange).memoryLimit(memoryLimit).build()) {
            return trainer.train();
        }
    }
}
