package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.Sample;
import io.github.grpo4j.StepListener;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.TrainResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.agent.MultiTurnRollout;
import io.github.grpo4j.internal.data.DataPosition;
import io.github.grpo4j.internal.data.PromptEncoder;
import io.github.grpo4j.internal.data.PromptSampler;
import io.github.grpo4j.internal.data.tasks.Task;
import io.github.grpo4j.internal.health.DivergenceWatch;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.report.RunReport;
import io.github.grpo4j.internal.report.SampleRow;
import io.github.grpo4j.internal.report.TensorBoardWriter;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;

/**
 * A whole GRPO run from a {@link GrpoConfig}: {@link RunFactory} builds or restores the parts, then this
 * only loops: it steps {@link GrpoStepTrainer} with metrics ({@code metrics.jsonl}), samples
 * ({@code samples.jsonl}), held-out evaluation for built-in tasks, atomic checkpoints, a progress bar,
 * and the report at the end.
 */
public final class TrainingRun {

    private final GrpoConfig config;
    private final RunFactory factory;
    private final boolean closeFactory; // a factory this run made from a config alone
    private final PrintStream console;
    private final List<StepListener> listeners = new ArrayList<>();
    private boolean progressBar = System.console() != null;
    private boolean allowConfigChange;
    private int stopAfterStep = Integer.MAX_VALUE;
    private DivergenceWatch watch = new DivergenceWatch();
    private MultiTurnRollout multiTurn;

    /** A run whose parts all come from {@code config}; the policy it builds is closed at the end. */
    public TrainingRun(GrpoConfig config, PrintStream console) {
        this(new RunFactory(config), true, console);
    }

    /**
     * A run of the parts {@code factory} builds or restores; the factory stays the caller's (and with it
     * the policy it built, which can be used and saved after the run).
     */
    public TrainingRun(RunFactory factory, PrintStream console) {
        this(factory, false, console);
    }

    private TrainingRun(RunFactory factory, boolean closeFactory, PrintStream console) {
        this.config = factory.config();
        this.factory = factory;
        this.closeFactory = closeFactory;
        this.console = console;
    }

    /** Called with every step's result, after it is logged. */
    public TrainingRun onStep(StepListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Whether to draw a progress bar on the console's error stream. */
    public TrainingRun progressBar(boolean show) {
        this.progressBar = show;
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

    /**
     * Runs the steps with {@code runners}' runner instead of a {@link GrpoStepTrainer} on this machine (a
     * distributed runner; null: this machine); the run loop, metrics, checkpoints and resume stay the same.
     */
    public TrainingRun stepRunner(StepRunner.Factory runners) {
        factory.stepRunner(runners);
        return this;
    }

    /** Ends the run after this step as if the process were killed (for resume tests). */
    TrainingRun stopAfter(int step) {
        this.stopAfterStep = step;
        return this;
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
        } finally {
            if (closeFactory) {
                factory.close();
            }
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

        try (RunFactory.Parts parts = factory.build(from, out, console)) {
            Task task = parts.task();
            LanguageModelPolicy policy = parts.policy();
            StepRunner trainer = parts.trainer();
            PromptSampler sampler = parts.sampler();
            List<Prompt> heldOut = parts.heldOut();
            HeldOutData evalData = parts.evalData();
            PromptEncoder encoder = parts.encoder();
            multiTurn = parts.multiTurn();
            int start = parts.start();
            double earlierSeconds = parts.earlierSeconds();
            // written once the parts are built, so a run that fails to start leaves no config.yaml behind
            dir.writeConfig(config, resume);
            // a resumed run redoes every step after its checkpoint, and all of them when there is none
            MetricsLog log = from.isEmpty() ? MetricsLog.startOver(out) : MetricsLog.resume(out, start);
            watch = new DivergenceWatch(); // a resumed run judges its whole history
            log.metrics().forEach(row -> watch.add(row.step(), row.values()));
            if (config.logging().tensorboard()) {
                if (from.isEmpty()) {
                    TensorBoardWriter.startOver(out.resolve(TensorBoardWriter.DIR)); // like the metrics lines
                }
                TensorBoardWriter tb = TensorBoardWriter.create(out.resolve(TensorBoardWriter.DIR), start);
                log.mirrorTo(tb::write);
            }
            if (from.isPresent()) {
                console.printf("Resuming from %s (step %d)%n", from.get(), start);
            }
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
                    // the JVM may end only between steps: see ExitGate
                    try (ExitGate.Pass pass = ExitGate.PROCESS.enter()) {
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
                                    policy, trainer.optimizer(), config.loss().refModelSyncSteps() > 0 ? trainer.reference() : null);
                        }
                        if (last >= stopAfterStep) {
                            return new TrainResult(last, out, before, after,
                                    earlierSeconds + (System.nanoTime() - t0) / 1e9, lastMetrics);
                        }
                        first = last + 1;
                    }
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

    /** Greedy held-out accuracy: the share of prompts whose completion the task's verifier accepts. */
    private double accuracy(Policy policy, List<Prompt> prompts, Task task, int step, MetricsLog log) {
        SamplingParams greedy = new SamplingParams(0.0, 0, 1.0, 0.0, 1.0,
                config.generation().maxCompletionLength(), config.generation().stop());
        try (RewardSet verifier = new RewardSet(List.of(task.verifier()), null,
                io.github.grpo4j.reward.RewardOnError.ZERO)) {
            Evaluator.Sampler sampler = multiTurn == null ? Evaluator.alone(policy)
                    : (ids, rows, n, params, seed) -> Evaluator.Sampled.of(multiTurn.generate(policy, ids, rows, n, params, seed));
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
            out.add(new SampleRow(step, s.prompt(), s.completion(), s.reward(), s.rewards(), s.conversation()));
        }
        return out;
    }
}
