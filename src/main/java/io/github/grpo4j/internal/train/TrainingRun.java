package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.Sample;
import io.github.grpo4j.StepListener;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.TrainResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.TrainingSection;
import io.github.grpo4j.internal.data.DataPosition;
import io.github.grpo4j.internal.data.PromptDataset;
import io.github.grpo4j.internal.data.PromptEncoder;
import io.github.grpo4j.internal.data.PromptSampler;
import io.github.grpo4j.internal.data.tasks.Split;
import io.github.grpo4j.internal.data.tasks.Task;
import io.github.grpo4j.internal.health.DivergenceWatch;
import io.github.grpo4j.internal.model.MemorySettings;
import io.github.grpo4j.internal.model.ModelConfig;
import io.github.grpo4j.internal.model.ModelParts;
import io.github.grpo4j.internal.model.PeftAdapter;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.report.RunReport;
import io.github.grpo4j.internal.report.SampleRow;
import io.github.grpo4j.internal.report.TensorBoardWriter;
import io.github.grpo4j.internal.agent.MultiTurnRollout;
import io.github.grpo4j.internal.agent.ToolTurns;
import io.github.grpo4j.internal.agent.ToolsInTemplate;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.tokenizer.ChatTemplate;
import io.github.grpo4j.internal.tools.ToolBox;
import io.github.grpo4j.internal.tools.ToolCallFormat;
import io.github.grpo4j.internal.tools.ToolCallParser;
import io.github.grpo4j.internal.tools.Tools;
import io.github.grpo4j.tools.Tool;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.internal.environment.EnvironmentPool;
import io.github.grpo4j.internal.environment.Environments;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.policy.TransformerPolicy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.Optional;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;

/**
 * A whole GRPO run from a {@link GrpoConfig}: builds the parts, then steps {@link GrpoStepTrainer} with
 * metrics ({@code metrics.jsonl}), samples ({@code samples.jsonl}), held-out evaluation for built-in
 * tasks, atomic checkpoints, resume, a progress bar, and the report at the end.
 */
public final class TrainingRun {

    private final GrpoConfig config;
    private final PrintStream console;
    private final List<StepListener> listeners = new ArrayList<>();
    private boolean progressBar = System.console() != null;
    private boolean allowConfigChange;
    private int stopAfterStep = Integer.MAX_VALUE;
    private LanguageModelPolicy givenPolicy;
    private PromptDataset givenPrompts;
    private RewardSet givenRewards;
    private List<Tool> givenTools = List.of();
    private ToolCallParser givenParser;
    private Supplier<? extends Environment> givenEnvironment;
    private long memoryLimit;
    private DivergenceWatch watch = new DivergenceWatch();
    private MultiTurnRollout multiTurn;
    private StepRunner.Factory runners = TrainingRun::localRunner;

    public TrainingRun(GrpoConfig config, PrintStream console) {
        this.config = config;
        this.console = console;
    }

    /** Called with every step's result, after it is logged. */
    public TrainingRun onStep(StepListener listener) {
        listeners.add(listener);
        return this;
    }

    public TrainingRun progressBar(boolean show) {
        this.progressBar = show;
        return this;
    }

    /**
     * Trains this policy instead of building one from {@code model} in the config. The caller keeps
     * ownership: it is trained in place and left open, so it can be used and saved afterwards. It is
     * also the reference model (a frozen copy) unless {@code model.ref_model} names one.
     */
    public TrainingRun policy(TransformerPolicy policy) {
        if (!(policy instanceof LanguageModelPolicy lm)) {
            throw new Grpo4jException("GrpoTrainer trains the policies TransformerPolicies builds (load or fromConfig), not a "
                    + policy.getClass().getName());
        }
        this.givenPolicy = lm;
        return this;
    }

    /** Trains on these prompts instead of the config's {@code data} file or task. */
    public TrainingRun prompts(PromptDataset prompts) {
        this.givenPrompts = prompts;
        return this;
    }

    /** Scores with these reward functions instead of the config's {@code rewards}; the caller closes them. */
    public TrainingRun rewards(RewardSet rewards) {
        this.givenRewards = rewards;
        return this;
    }

    /**
     * Lets the policy call these tools too (besides the config's {@code tools.functions}): rollouts become
     * multi-turn episodes. The run closes them at its end.
     */
    public TrainingRun tools(List<? extends Tool> tools) {
        this.givenTools = List.copyOf(tools);
        return this;
    }

    /**
     * Plays episodes against environments from this factory (one per episode) instead of the config's
     * {@code environment}: rollouts become multi-turn episodes.
     */
    public TrainingRun environment(Supplier<? extends Environment> factory) {
        this.givenEnvironment = factory;
        return this;
    }

    /** Reads tool calls with this parser instead of the format {@code tools.call_format} names. */
    public TrainingRun toolCallParser(ToolCallParser parser) {
        this.givenParser = parser;
        return this;
    }

    /**
     * The memory the run may use, in bytes, instead of the machine's ({@code /proc/meminfo}); a run whose
     * estimated peak is larger is refused before anything is loaded.
     */
    public TrainingRun memoryLimit(long bytes) {
        this.memoryLimit = bytes;
        return this;
    }

    /**
     * Whether a resumed run may continue with a config that differs from the {@code config.yaml} it was
     * started with (the seed excepted); the earlier file is then kept as {@code config-N.yaml}.
     */
    public TrainingRun allowConfigChange(boolean allow) {
        this.allowConfigChange = allow;
        return this;
    }

    /** Ends the run after this step as if the process were killed (for resume tests). */
    TrainingRun stopAfter(int step) {
        this.stopAfterStep = step;
        return this;
    }

    /** Weights from which {@code train} suggests glibc's {@code MALLOC_MMAP_THRESHOLD_} (1 GB: 250 M parameters). */
    static final long ALLOCATOR_HINT_BYTES = 1_000_000_000L;

    /**
     * Runs the steps with {@code factory}'s runner instead of a {@link GrpoStepTrainer} on this machine (a
     * distributed runner; null: this machine); the run loop, metrics, checkpoints and resume stay the same.
     */
    public TrainingRun stepRunner(StepRunner.Factory factory) {
        this.runners = factory != null ? factory : TrainingRun::localRunner;
        return this;
    }

    /** The default runner: every step on this machine. */
    private static StepRunner localRunner(GrpoConfig config, TransformerPolicy policy, TransformerPolicy reference,
            GrpoStepTrainer.Options options, RewardSet rewards, MultiTurnRollout multiTurn) {
        GrpoStepTrainer trainer = new GrpoStepTrainer(policy, reference, options, rewards)
                .dynamicSampling(dynamicSampling(config.training()));
        trainer.multiTurn(multiTurn);
        return trainer;
    }

    /** How the policy trades compute for memory: {@code logprob_chunk_size}, {@code gradient_checkpointing}. */
    public static MemorySettings memorySettings(TrainingSection t) {
        return new MemorySettings(t.logprobChunkSize(), t.gradientCheckpointing());
    }

    /** The shape of a config's run for the memory estimate. */
    public static MemoryEstimate.Workload workload(GrpoConfig c, ModelConfig model) {
        int maxNew = c.generation().samplingParams().maxNewTokens();
        int prompt = Math.max(1, Math.min(c.data().maxPromptLength(), model.maxPositionEmbeddings() - maxNew));
        // one generation samples steps_per_generation steps' prompts, and their rows stay until its last step
        int rows = c.training().perStepPrompts() * c.training().stepsPerGeneration() * c.generation().numGenerations();
        return new MemoryEstimate.Workload(model, rows,
                c.training().microBatchSize(), prompt, maxNew, c.loss().beta() > 0, memorySettings(c.training()),
                c.model().lora() != null || c.model().adapter() != null,
                c.training().refParamOffload() && c.loss().refModelSyncSteps() == 0);
    }

    /** Prints the memory estimate and refuses a run that would not fit, naming settings that would. */
    private void checkMemory(Tokenizer tokenizer) {
        if (config.training().gradientCheckpointing() && config.model().lora() != null
                && config.model().lora().loraDropout() > 0) {
            throw new Grpo4jException("training.gradient_checkpointing needs model.lora.lora_dropout = 0 (the recomputed "
                    + "layers would draw other dropout masks); got " + config.model().lora().loraDropout());
        }
        if (config.training().refParamOffload() && config.loss().refModelSyncSteps() > 0) {
            throw new Grpo4jException("training.ref_param_offload keeps the reference frozen in a file; "
                    + "loss.ref_model_sync_steps must then be 0, got " + config.loss().refModelSyncSteps());
        }
        ModelConfig model = givenPolicy != null
                ? (givenPolicy.model() instanceof Transformer t ? t.config() : null)
                : config.model().path() != null ? ModelConfig.read(Path.of(config.model().path()).resolve("config.json"))
                : ModelParts.freshConfig(config.model(), tokenizer);
        if (model == null) {
            return;
        }
        MemoryEstimate.Workload w = workload(config, model);
        MemoryEstimate estimate = MemoryEstimate.of(w);
        long limit = memoryLimit > 0 ? memoryLimit : MemoryEstimate.machineBytes();
        console.println("Memory: " + estimate.describe()
                + (limit > 0 ? "; the machine has " + MemoryEstimate.gb(limit) : ""));
        if (estimate.weights() >= ALLOCATOR_HINT_BYTES && System.getenv("MALLOC_MMAP_THRESHOLD_") == null) {
            // not set for every run: on small models it costs CPU and saves nothing (docs/performance.md)
            console.println("Memory: MALLOC_MMAP_THRESHOLD_=1048576 in the environment makes glibc return freed "
                    + "tensors to the system: a 15-20 % lower peak on large models, for some CPU time");
        }
        if (limit > 0 && estimate.total() > limit) {
            List<String> knobs = MemoryEstimate.knobsThatFit(w, limit);
            throw new Grpo4jException("the run needs about " + MemoryEstimate.gb(estimate.total()) + " but the machine has "
                    + MemoryEstimate.gb(limit) + "; "
                    + (knobs.isEmpty() ? "no micro-batch size or gradient checkpointing makes it fit: use a smaller model"
                            : "settings that fit: " + String.join("; or ", knobs)));
        }
    }

    /** DAPO's dynamic sampling as a config sets it. */
    public static DynamicSampling.Options dynamicSampling(TrainingSection t) {
        return new DynamicSampling.Options(t.dynamicSampling(), t.maxGenerationBatches());
    }

    /**
     * Runs (or, with {@code resume}, continues) the configured training.
     *
     * @throws Grpo4jException when {@code output_dir} holds another run and {@code resume} is false
     */
    public TrainResult run(boolean resume) {
        long t0 = System.nanoTime();
        try (RunDirectory dir = RunDirectory.open(Path.of(config.outputDir()))) {
            return run(dir, resume, t0);
        }
    }

    private TrainResult run(RunDirectory dir, boolean resume, long t0) {
        Path out = dir.path();
        Checkpoints checkpoints = new Checkpoints(out, config.checkpoint().saveTotalLimit());
        Optional<Path> from = resume ? checkpoints.latest() : Optional.empty();
        if (!resume && Files.exists(out.resolve("metrics.jsonl"))) {
            throw new Grpo4jException("output_dir " + out + " already holds a run (metrics.jsonl); continue it with --resume, "
                    + "or choose another output_dir");
        }
        if (resume) {
            dir.checkResumedConfig(config, allowConfigChange);
        }

        Task task = RunParts.task(config.data().task(), config.data().taskOptions());
        Tokenizer tokenizer = givenPolicy != null ? givenPolicy.tokenizer() : RunParts.tokenizer(config.model(), task);
        PromptDataset data = givenPrompts != null ? givenPrompts
                : RunParts.trainData(config.data().trainFile(), config.data().promptField(),
                        config.data().messagesField(), task, config.seed(),
                        config.training().maxSteps() * config.training().perStepPrompts());
        boolean withTools = config.tools().enabled() || !givenTools.isEmpty();
        EnvironmentPool environment = Environments.create(config.environment(), givenEnvironment);
        ToolBox toolBox = withTools || environment != null ? Tools.create(config.tools(), givenTools) : null;
        // with tools, chat prompts are rendered with the tools' schemas in the template's `tools` variable
        PromptEncoder encoder = new PromptEncoder(!withTools ? tokenizer : new ToolsInTemplate(tokenizer, toolBox),
                config.data().maxPromptLength());
        multiTurn = toolBox == null ? null : new MultiTurnRollout(toolBox, givenParser != null ? givenParser
                : ToolCallFormat.of(config.tools().callFormat(),
                        tokenizer.chatTemplate().map(ChatTemplate::source).orElse(null)),
                new ToolTurns(tokenizer, toolBox, Map.of()), config.tools().maxTurns(), environment,
                config.environment().maxTurns());
        GrpoStepTrainer.Options options = GrpoStepTrainer.Options.from(config);

        Checkpoints.TrainerState state = from.map(Checkpoints::readState).orElse(null);
        if (state != null && state.seed() != config.seed()) {
            throw new Grpo4jException("checkpoint " + from.get() + " was made with seed " + state.seed()
                    + " but the config says " + config.seed() + "; resume with the same config");
        }
        checkMemory(tokenizer);
        RewardSet ownRewards = givenRewards != null ? null
                : RunParts.rewards(config.rewards(), config.rewardOnError(), task);
        LanguageModelPolicy ownPolicy = state != null
                ? checkpointPolicy(from.get().resolve("model"), tokenizer)
                : givenPolicy != null ? null : RunParts.policy(config.model(), tokenizer, config.seed());
        // the reference is taken before a checkpoint is loaded into a caller's policy: it is the initial policy
        LanguageModelPolicy reference = referenceFor(from, tokenizer, options);
        if (state != null && givenPolicy != null) {
            givenPolicy.mixFrom(ownPolicy, 1.0); // continue training the caller's policy from the checkpoint
            ownPolicy.close();
            ownPolicy = null;
        }
        LanguageModelPolicy policy = ownPolicy != null ? ownPolicy : givenPolicy;
        MemorySettings memory = memorySettings(config.training());
        policy.memory(memory); // the trainer's copy of it as the reference takes the settings along
        if (reference != null) {
            reference.memory(memory);
        }
        reference = offloaded(reference, policy, options, out);
        RewardSet rewards = givenRewards != null ? givenRewards : ownRewards;
        try (ToolBox closeTools = toolBox;
                EnvironmentPool closeEnvironment = environment;
                RewardSet closeRewards = ownRewards;
                LanguageModelPolicy closePolicy = ownPolicy; // the trainer closes the reference
                StepRunner trainer = runners.create(config, policy, reference, options, rewards, multiTurn)) {
            // written once the parts are built, so a run that fails to start leaves no config.yaml behind
            dir.writeConfig(config, resume);
            // a resumed run redoes every step after its checkpoint, and all of them when there is none
            MetricsLog log = state == null ? MetricsLog.startOver(out) : MetricsLog.resume(out, state.step());
            double earlierSeconds = state == null ? 0 : state.seconds();
            watch = new DivergenceWatch(); // a resumed run judges its whole history
            log.metrics().forEach(row -> watch.add(row.step(), row.values()));
            if (config.logging().tensorboard()) {
                if (state == null) {
                    TensorBoardWriter.startOver(out.resolve(TensorBoardWriter.DIR)); // like the metrics lines
                }
                TensorBoardWriter tb = TensorBoardWriter.create(out.resolve(TensorBoardWriter.DIR),
                        state == null ? 0 : state.step());
                log.mirrorTo(tb::write);
            }
            int start = 0;
            DataPosition position = new DataPosition(0, 0);
            if (state != null) {
                Checkpoints.loadOptimizer(from.get(), trainer.optimizer(), state.optimizerSteps());
                trainer.restoreCounters(state.tokensSeen());
                start = state.step();
                position = new DataPosition(state.dataEpoch(), state.dataIndex());
                console.printf("Resuming from %s (step %d)%n", from.get(), start);
            }
            PromptSampler sampler = new PromptSampler(data, config.training().perStepPrompts(), config.seed(),
                    config.data().shuffle(), position);
            List<Prompt> heldOut = task == null ? List.of() : heldOut(task, encoder);
            HeldOutData evalData = evalData(encoder, rewards, policy);
            if (evalData != null && start == 0) {
                log.append(0, evalData.evaluate(policy));
            }

            Double before = start == 0 ? null : accuracyBefore(log);
            if (!heldOut.isEmpty() && start == 0) {
                before = accuracy(policy, heldOut, task, 0, log);
                console.printf(Locale.ROOT, "held-out accuracy before GRPO: %.1f%%%n", 100 * before);
            }
            int maxSteps = config.training().maxSteps();
            Map<String, Double> lastMetrics = Map.of();
            Double after = null;
            LinesAboveBar lines = progressBar ? new LinesAboveBar(System.err) : null;
            try (ProgressBar bar = lines != null ? LinesAboveBar.bar("GRPO", maxSteps, start, lines, 500) : null) {
                int perRound = config.training().stepsPerGeneration();
                for (int first = start + 1; first <= maxSteps; ) {
                    // one generation feeds steps_per_generation steps (fewer at the end of the run)
                    int steps = Math.min(perRound, maxSteps - first + 1);
                    int last = first + steps - 1;
                    List<StepResult> results = trainer.round(first, steps,
                            () -> Prompts.encode(sampler.next(), encoder));
                    for (StepResult r : results) {
                        int step = r.step();
                        last = step;
                        lastMetrics = r.metrics();
                        log.append(step, r.metrics());
                        watch.add(step, r.metrics());
                        log.appendSamples(samples(r, config.logging().numSampleRows(), step));
                        if (config.logging().loggingSteps() > 0 && step % config.logging().loggingSteps() == 0) {
                            LinesAboveBar.println(lines, console, StepLine.format(step, maxSteps, r.metrics()));
                        }
                        if (bar != null) {
                            bar.stepTo(step);
                            bar.setExtraMessage(StepLine.brief(r.metrics()));
                        }
                    }
                    dynamicSamplingShortfall(results.get(0), steps).ifPresent(
                            line -> LinesAboveBar.println(lines, console, line));
                    // evaluation and checkpoints at the end of a generation round: its steps' updates are done
                    boolean evalNow = config.logging().evalSteps() > 0
                            && (hits(first, last, config.logging().evalSteps()) || last == maxSteps);
                    if (evalNow && !heldOut.isEmpty()) {
                        after = accuracy(policy, heldOut, task, last, log);
                        LinesAboveBar.println(lines, console,
                                String.format(Locale.ROOT, "step %d: held-out accuracy %.1f%%", last, 100 * after));
                    }
                    if (evalNow && evalData != null) {
                        Map<String, Double> m = evalData.evaluate(policy);
                        log.append(last, m);
                        LinesAboveBar.println(lines, console, String.format(Locale.ROOT,
                                "step %d: eval reward %.4f (greedy), %.4f (sampled)", last,
                                m.get("eval/greedy/reward"), m.get("eval/sampled/reward")));
                    }
                    watch.poll().ifPresent(w -> LinesAboveBar.println(lines, console, w.message()));
                    for (StepResult r : results) {
                        for (var l : listeners) {
                            l.onStep(r);
                        }
                    }
                    int save = config.checkpoint().saveSteps();
                    if ((save > 0 && hits(first, last, save)) || last == maxSteps) {
                        DataPosition p = sampler.position();
                        checkpoints.save(new Checkpoints.TrainerState(last, trainer.optimizer().step(),
                                        trainer.tokensSeen(), p.epoch(), p.index(), config.seed(),
                                        earlierSeconds + (System.nanoTime() - t0) / 1e9),
                                policy, trainer.optimizer(), options.refModelSyncSteps() > 0 ? trainer.reference() : null);
                    }
                    if (last >= stopAfterStep) {
                        return new TrainResult(last, out, before, after,
                                earlierSeconds + (System.nanoTime() - t0) / 1e9, lastMetrics);
                    }
                    first = last + 1;
                }
            }
            policy.save(out.resolve("final"));
            KillPoint.reach("final.model");
            if (after == null && start > 0) {
                after = lastAccuracy(log); // resumed at the last step: its evaluation was logged before
            }
            double seconds = earlierSeconds + (System.nanoTime() - t0) / 1e9; // all processes of the run
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("steps", maxSteps);
            if (before != null) {
                summary.put("accuracy_before", before);
            }
            if (after != null) {
                summary.put("accuracy_after", after);
            }
            summary.put("seconds", seconds);
            summary.put("final_model", out.resolve("final").toString());
            log.writeSummary(summary);
            KillPoint.reach("summary");
            Path report = RunReport.write(out);
            console.println(StepLine.rewardCurve(log.metrics()));
            if (encoder.truncatedCount() > 0) {
                console.printf("%d prompts were longer than max_prompt_length %d and kept their last tokens%n",
                        encoder.truncatedCount(), config.data().maxPromptLength());
            }
            console.printf("Done: %d steps in %.0f s. Final model: %s. Report: %s%n", maxSteps, seconds,
                    out.resolve("final"), report);
            return new TrainResult(maxSteps, out, before, after, seconds, lastMetrics);
        }
    }

    /** Whether a multiple of {@code every} lies in {@code first … last}. */
    private static boolean hits(int first, int last, int every) {
        return last / every > (first - 1) / every;
    }

    /**
     * The line to print when dynamic sampling spent {@code max_generation_batches} before it found a group
     * with signal for every prompt of the round: the steps train on fewer groups (or none).
     */
    private Optional<String> dynamicSamplingShortfall(StepResult r, int steps) {
        Double kept = r.metrics().get("dynamic_sampling/groups_kept");
        int target = steps * config.training().perStepPrompts();
        if (kept == null || kept >= target) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "step %d: dynamic sampling found %d of %d groups with signal in "
                + "%d generation batches (training.max_generation_batches); training on those", r.step(),
                kept.intValue(), target, r.metrics().get("dynamic_sampling/generation_batches").intValue()));
    }

    /** The policy a checkpoint holds: a full model, or LoRA adapters on the configured base model. */
    private LanguageModelPolicy checkpointPolicy(Path dir, Tokenizer tokenizer) {
        if (PeftAdapter.isAdapter(dir)) {
            return RunParts.policy(config.model().withAdapter(dir.toString()), tokenizer, config.seed());
        }
        return new LanguageModelPolicy(Transformer.load(dir), tokenizer);
    }

    /** The held-out accuracy before GRPO, as the first process of a resumed run logged it (step 0). */
    private static Double accuracyBefore(MetricsLog log) {
        return log.metrics().stream().filter(r -> r.step() == 0 && r.values().containsKey("eval/accuracy"))
                .map(r -> r.values().get("eval/accuracy")).findFirst().orElse(null);
    }

    /** The last held-out accuracy logged after step 0, or null. */
    private static Double lastAccuracy(MetricsLog log) {
        return log.metrics().stream().filter(r -> r.step() > 0 && r.values().containsKey("eval/accuracy"))
                .map(r -> r.values().get("eval/accuracy")).reduce((a, b) -> b).orElse(null);
    }

    /**
     * With {@code training.ref_param_offload} in full fine-tuning, the reference (the given one, else the
     * policy as it is now) as a copy whose weights are read from a file under the run directory; else
     * {@code reference} unchanged.
     */
    private LanguageModelPolicy offloaded(LanguageModelPolicy reference, LanguageModelPolicy policy,
            GrpoStepTrainer.Options options, Path out) {
        if (!config.training().refParamOffload() || options.loss().beta() == 0 || policy.hasAdapter()) {
            return reference;
        }
        if (reference == null) {
            return policy.offloadedCopy(out);
        }
        try (LanguageModelPolicy resident = reference) {
            return resident.offloadedCopy(out);
        }
    }

    /** The reference for a resumed run: the saved moving reference, the configured one, or null (copy). */
    private LanguageModelPolicy referenceFor(Optional<Path> from, Tokenizer tokenizer, GrpoStepTrainer.Options options) {
        if (options.loss().beta() == 0) {
            return null;
        }
        if (from.isPresent() && Files.isDirectory(from.get().resolve("ref"))) {
            return new LanguageModelPolicy(Transformer.load(from.get().resolve("ref")), tokenizer);
        }
        LanguageModelPolicy configured = RunParts.reference(config.model(), tokenizer);
        boolean lora = config.model().lora() != null || config.model().adapter() != null
                || (givenPolicy != null && givenPolicy.hasAdapter());
        if (configured != null || from.isEmpty() || lora) {
            return configured; // null with LoRA: the trainer uses the base model with the adapters off
        }
        if (givenPolicy != null) {
            return givenPolicy.copy(); // the caller's policy as handed over is the initial policy
        }
        // The reference is the initial policy: rebuild it exactly as the run started.
        return RunParts.policy(config.model(), tokenizer, config.seed());
    }

    /**
     * The {@code data.eval_file} evaluation, or null when there is none or evaluation is off; with tools, of
     * {@code policy}'s multi-turn episodes.
     */
    private HeldOutData evalData(PromptEncoder encoder, RewardSet rewards, Policy policy) {
        String file = config.data().evalFile();
        if (file == null || config.logging().evalSteps() <= 0) {
            return null;
        }
        List<io.github.grpo4j.internal.data.PromptRow> rows =
                PromptDataset.load(Path.of(file), config.data().promptField(), config.data().messagesField()).rows();
        rows = rows.subList(0, Math.min(rows.size(), config.logging().evalPrompts()));
        Evaluator.Sampler episodes = multiTurn == null ? null
                : (ids, of, n, params, seed) -> multiTurn.generate(policy, ids, of, n, params, seed).completions();
        return new HeldOutData(Prompts.encode(rows, encoder), rewards, config.generation().samplingParams(),
                config.logging().numGenerationsEval(), config.logging().evalPassThreshold(), config.seed(), episodes);
    }

    private List<Prompt> heldOut(Task task, PromptEncoder encoder) {
        int n = config.logging().evalPrompts();
        if (n <= 0) {
            return List.of();
        }
        PromptDataset rows = RunParts.taskRows(task, Split.HELD_OUT, n, Seeds.of(config.seed(), 0, Seeds.EVAL));
        return Prompts.encode(rows.rows(), encoder);
    }

    /** Greedy held-out accuracy: the share of prompts whose completion the task's verifier accepts. */
    private double accuracy(Policy policy, List<Prompt> prompts, Task task, int step, MetricsLog log) {
        SamplingParams greedy = new SamplingParams(0.0, 0, 1.0, 0.0, 1.0,
                config.generation().maxCompletionLength(), config.generation().stop());
        try (RewardSet verifier = new RewardSet(List.of(task.verifier()), null,
                io.github.grpo4j.reward.RewardOnError.ZERO)) {
            Evaluator.Sampler sampler = multiTurn == null ? Evaluator.alone(policy)
                    : (ids, rows, n, params, seed) -> multiTurn.generate(policy, ids, rows, n, params, seed).completions();
            Evaluator.Result r = Evaluator.evaluate(policy, sampler, prompts, verifier, greedy, 1, 1, 1.0, config.seed());
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("eval/accuracy", r.accuracy());
            m.put("eval/reward", r.meanReward());
            if (multiTurn != null) {
                // the same model answering alone: a tool call gets no result, so it is not an answer
                Evaluator.Result alone = Evaluator.evaluate(policy, prompts, verifier, greedy, 1, 1, 1.0, config.seed());
                m.put("eval/accuracy_without_tools", alone.accuracy());
            }
            log.append(step, m);
            watch.add(step, m);
            return r.accuracy();
        }
    }

    private List<SampleRow> samples(StepResult r, int count, int step) {
        List<Sample> all = r.samples();
        List<SampleRow> out = new ArrayList<>();
        if (count <= 0 || all.isEmpty()) {
            return out;
        }
        Random rng = new Random(Seeds.of(config.seed(), step, Seeds.SAMPLES));
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            idx.add(i);
        }
        java.util.Collections.shuffle(idx, rng);
        for (int i = 0; i < Math.min(count, idx.size()); i++) {
            Sample s = all.get(idx.get(i));
            out.add(new SampleRow(step, s.prompt(), s.completion(), s.reward(), s.rewards()));
        }
        return out;
    }
}
