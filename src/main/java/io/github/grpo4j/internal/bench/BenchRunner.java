package io.github.grpo4j.internal.bench;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LrSchedulerType;
import io.github.grpo4j.internal.algo.AdvantageOptions;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.model.ModelConfig;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.reward.PerCompletion;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.train.AdamW;
import io.github.grpo4j.internal.train.GrpoStepTrainer;
import io.github.grpo4j.internal.train.LrSchedule;
import io.github.grpo4j.internal.train.Prompt;
import io.github.grpo4j.internal.train.StepPhase;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs real GRPO steps ({@link GrpoStepTrainer#step}, nothing stubbed) on a synthetic workload: a random
 * {@link Transformer}, prompts of random tokens, completions that always run to max_new_tokens (the
 * {@link BenchTokenizer} has no EOS), and a seeded random reward.
 */
public final class BenchRunner {
    private BenchRunner() {}

    /**
     * Runs {@code options.warmup()} untimed and {@code options.steps()} timed steps.
     *
     * @param matmulFlopsPerS the MFU denominator, measured by the caller ({@link MatmulPeak})
     * @param threads         PyTorch threads in effect (for the report)
     * @param progress        told each timed step as it ends (may be null)
     */
    public static BenchReport run(BenchOptions options, double matmulFlopsPerS, int threads, Consumer<StepTiming> progress) {
        ModelConfig config = options.modelConfig();
        BenchTokenizer tokenizer = new BenchTokenizer(options.vocab());
        SplittableRandom promptRng = new SplittableRandom(options.seed());
        List<StepTiming> timed = new ArrayList<>(options.steps());
        long peak;
        long adapterParameters;
        try (LanguageModelPolicy policy = policy(options, config, tokenizer);
                RewardSet rewards = RewardSet.of(randomReward(options.seed()));
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, reference(options, policy),
                        trainerOptions(options), rewards)) {
            adapterParameters = options.lora() == null ? 0
                    : policy.parameters().values().stream().mapToLong(NDArray::size).sum();
            PhasePeaks peaks = new PhasePeaks();
            PhaseCpu cpu = new PhaseCpu();
            trainer.onPhaseEnd(phase -> {
                cpu.ended(phase);
                peaks.ended(phase);
            });
            int total = options.warmup() + options.steps();
            for (int step = 1; step <= total; step++) {
                List<Prompt> prompts = prompts(promptRng, tokenizer, options);
                peaks.stepStarts();
                cpu.stepStarts();
                Map<String, Double> m = trainer.step(step, prompts).metrics();
                double stepCpu = cpu.sinceStepStart();
                // Outside the timed step: collect the step's Java garbage (op wrappers, index objects,
                // about 10 MB) now, so the young generation does not keep touching fresh heap pages for
                // the first ~100 steps; resident memory then measures native memory, which must stay flat.
                System.gc();
                if (step > options.warmup()) {
                    StepTiming t = new StepTiming(m.get("timing/generation"), m.get("timing/reference"),
                            m.get("timing/update"), m.get("step_time"), m.get("gen_tokens_per_s"),
                            m.get("train_tokens_per_s"), ProcMemory.residentBytes(), peaks.last(StepPhase.GENERATION),
                            peaks.last(StepPhase.REFERENCE), peaks.last(StepPhase.UPDATE),
                            cpu.last(StepPhase.GENERATION), cpu.last(StepPhase.REFERENCE), cpu.last(StepPhase.UPDATE),
                            stepCpu);
                    timed.add(t);
                    if (progress != null) {
                        progress.accept(t);
                    }
                }
            }
            peak = peaks.overall();
        }
        return new BenchReport(options, Machine.current(), threads, config.parameterCount(), adapterParameters,
                matmulFlopsPerS, timed,
                peak);
    }

    /** The random model of the workload with its memory settings, and LoRA adapters when asked for. */
    private static LanguageModelPolicy policy(BenchOptions options, ModelConfig config, BenchTokenizer tokenizer) {
        LanguageModelPolicy policy = new LanguageModelPolicy(Transformer.random(config, options.seed()), tokenizer)
                .memory(options.memory());
        if (options.lora() != null) {
            try {
                policy.addAdapter(options.lora(), options.seed());
            } catch (RuntimeException e) {
                policy.close();
                throw e;
            }
        }
        return policy;
    }

    /** The offloaded reference where {@code --ref-param-offload} asks for it (full fine-tuning, β &gt; 0), else null (the trainer's default). */
    private static LanguageModelPolicy reference(BenchOptions options, LanguageModelPolicy policy) {
        return options.offloadsReference() ? policy.offloadedCopy(null) : null;
    }

    /** The trainer settings of the workload (docs/algorithm.md defaults for everything the bench has no flag for). */
    static GrpoStepTrainer.Options trainerOptions(BenchOptions o) {
        SamplingParams sampling = new SamplingParams(o.temperature(), 0, 1.0, 0.0, 1.0, o.maxNewTokens(), List.of());
        int micro = o.microBatch() == 0 ? o.rows() : o.microBatch();
        return GrpoStepTrainer.Options.defaults()
                .toBuilder().batch(o.generations(), micro, o.iterations())
                .sampling(sampling)
                .objective(AdvantageOptions.defaults(),
                        new LossOptions(0.2, 0.2, 0.0, ImportanceSamplingLevel.TOKEN, o.beta(), KlEstimator.K3, o.lossType()))
                .optimizer(new LrSchedule(LrSchedulerType.CONSTANT, o.learningRate(), 0, o.warmup() + o.steps()),
                        AdamW.Options.defaults(), o.maxGradNorm())
                .seed(o.seed()).build();
    }

    /**
     * A reward that looks random but is a pure function of the seed and the text (so it is the same
     * whichever thread or order RewardSet scores in).
     */
    static PerCompletion randomReward(long seed) {
        return new PerCompletion("random", in -> new SplittableRandom(
                seed * 0x9E3779B97F4A7C15L ^ (31L * in.prompt().hashCode() + in.completion().hashCode())).nextDouble());
    }

    private static List<Prompt> prompts(SplittableRandom rng, BenchTokenizer tokenizer, BenchOptions o) {
        List<Prompt> out = new ArrayList<>(o.prompts());
        for (int i = 0; i < o.prompts(); i++) {
            int[] ids = new int[o.promptLength()];
            for (int j = 0; j < ids.length; j++) {
                ids[j] = rng.nextInt(o.vocab());
            }
            out.add(new Prompt(tokenizer.decode(ids), ids, Map.of()));
        }
        return out;
    }
}
