package io.github.grpo4j.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.TrainingSection;
import io.github.grpo4j.internal.algo.AdvantageOptions;
import io.github.grpo4j.internal.algo.AdvantageResult;
import io.github.grpo4j.internal.algo.Advantages;
import io.github.grpo4j.internal.algo.BatchTotals;
import io.github.grpo4j.internal.algo.GrpoLoss;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.algo.LossTerms;
import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.policy.TransformerPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * One GRPO step, docs/algorithm.md §1, over any {@link Policy}: rollout → reward → group-relative advantages →
 * reference log-probs → μ passes of micro-batched, gradient-accumulated AdamW updates of the clipped
 * surrogate with KL penalty.
 *
 * <p>The loop around it (data, checkpoints, metrics files) lives in {@link TrainingRun}; this class
 * holds what one step needs and the state that carries over between steps (optimizer, reference).
 */
public final class GrpoStepTrainer implements AutoCloseable {

    /**
     * What a step does. Names follow TRL's {@code GRPOConfig}.
     *
     * @param numGenerations           G, completions per prompt
     * @param sampling                 generation settings (temperature also divides logits when scoring)
     * @param microBatchSize           completions per forward/backward; gradients accumulate over the batch
     * @param numIterations            μ, optimizer updates per generated batch
     * @param advantage                docs/algorithm.md §2
     * @param loss                     docs/algorithm.md §3–§5
     * @param maskTruncatedCompletions truncated completions get no loss (DAPO)
     * @param filterZeroStdGroups      groups whose rewards are all equal are left out of the loss (DAPO)
     * @param refModelSyncSteps        every this many steps the reference moves towards the policy; 0 never
     * @param refModelMixupAlpha       α of that move: ref ← α·policy + (1−α)·ref (TRL)
     * @param schedule                 learning rate per optimizer update
     * @param adam                     AdamW hyper-parameters
     * @param maxGradNorm              global gradient norm clip; 0 disables
     * @param seed                     the run's seed; each step's draws derive from it
     */
    public record Options(
            int numGenerations,
            SamplingParams sampling,
            int microBatchSize,
            int numIterations,
            AdvantageOptions advantage,
            LossOptions loss,
            boolean maskTruncatedCompletions,
            boolean filterZeroStdGroups,
            int refModelSyncSteps,
            double refModelMixupAlpha,
            LrSchedule schedule,
            AdamW.Options adam,
            double maxGradNorm,
            long seed) {

        /**
         * The options a validated config asks for. Warm-up and schedule length count optimizer updates:
         * μ per step.
         */
        public static Options from(GrpoConfig c) {
            TrainingSection t = c.training();
            LossSection l = c.loss();
            int updates = t.maxSteps() * t.numIterations();
            int warmup = t.effectiveWarmupSteps() * t.numIterations();
            return new Options(
                    c.generation().numGenerations(),
                    c.generation().samplingParams(),
                    t.microBatchSize(),
                    t.numIterations(),
                    new AdvantageOptions(l.scaleRewards(), l.std(), l.stdEps(), l.advantageEstimator(),
                            l.multiObjectiveAggregation()),
                    new LossOptions(l.epsilon(), l.effectiveEpsilonHigh(), l.effectiveDualClip(),
                            l.importanceSamplingLevel(), l.beta(), l.klEstimator(), l.lossType(), l.entropyCoeff(),
                            l.topEntropyQuantile()),
                    l.maskTruncatedCompletions(),
                    l.filterZeroStdGroups(),
                    l.refModelSyncSteps(),
                    l.refModelMixupAlpha(),
                    new LrSchedule(t.lrSchedulerType(), t.learningRate(), warmup, updates),
                    new AdamW.Options(t.adamBeta1(), t.adamBeta2(), t.adamEpsilon(), t.weightDecay()),
                    t.maxGradNorm(),
                    c.seed());
        }

        /** {@return the options of the default config ({@link GrpoConfig#defaults()})} */
        public static Options defaults() {
            return from(GrpoConfig.defaults());
        }

        /** {@return these options with G completions per prompt, micro-batches of that many rows and μ passes} */
        public Options withBatch(int numGenerations, int microBatchSize, int numIterations) {
            return new Options(numGenerations, sampling, microBatchSize, numIterations, advantage, loss,
                    maskTruncatedCompletions, filterZeroStdGroups, refModelSyncSteps, refModelMixupAlpha, schedule,
                    adam, maxGradNorm, seed);
        }

        /** {@return these options with other generation settings} */
        public Options withSampling(SamplingParams sampling) {
            return new Options(numGenerations, sampling, microBatchSize, numIterations, advantage, loss,
                    maskTruncatedCompletions, filterZeroStdGroups, refModelSyncSteps, refModelMixupAlpha, schedule,
                    adam, maxGradNorm, seed);
        }

        /** {@return these options with other advantage and loss settings} */
        public Options withObjective(AdvantageOptions advantage, LossOptions loss) {
            return new Options(numGenerations, sampling, microBatchSize, numIterations, advantage, loss,
                    maskTruncatedCompletions, filterZeroStdGroups, refModelSyncSteps, refModelMixupAlpha, schedule,
                    adam, maxGradNorm, seed);
        }

        /** {@return these options with DAPO's row filters: truncated completions, zero-std groups} */
        public Options withFilters(boolean maskTruncatedCompletions, boolean filterZeroStdGroups) {
            return new Options(numGenerations, sampling, microBatchSize, numIterations, advantage, loss,
                    maskTruncatedCompletions, filterZeroStdGroups, refModelSyncSteps, refModelMixupAlpha, schedule,
                    adam, maxGradNorm, seed);
        }

        /** {@return these options with the reference moving towards the policy every {@code steps} steps by α} */
        public Options withReferenceSync(int refModelSyncSteps, double refModelMixupAlpha) {
            return new Options(numGenerations, sampling, microBatchSize, numIterations, advantage, loss,
                    maskTruncatedCompletions, filterZeroStdGroups, refModelSyncSteps, refModelMixupAlpha, schedule,
                    adam, maxGradNorm, seed);
        }

        /** {@return these options with another optimizer: schedule, AdamW settings, gradient clip} */
        public Options withOptimizer(LrSchedule schedule, AdamW.Options adam, double maxGradNorm) {
            return new Options(numGenerations, sampling, microBatchSize, numIterations, advantage, loss,
                    maskTruncatedCompletions, filterZeroStdGroups, refModelSyncSteps, refModelMixupAlpha, schedule,
                    adam, maxGradNorm, seed);
        }

        /** {@return these options with another seed} */
        public Options withSeed(long seed) {
            return new Options(numGenerations, sampling, microBatchSize, numIterations, advantage, loss,
                    maskTruncatedCompletions, filterZeroStdGroups, refModelSyncSteps, refModelMixupAlpha, schedule,
                    adam, maxGradNorm, seed);
        }
    }


    private final Policy policy;
    private final Policy reference;
    private final Options options;
    private final RewardSet rewards;
    private final NDManager manager;
    private final AdamW optimizer;
    private long tokensSeen;
    private StepPhase.Listener phases = phase -> { };

    /**
     * @param policy    trained in place
     * @param reference frozen reference model, or null to copy the policy now (ignored when β = 0)
     */
    public GrpoStepTrainer(Policy policy, Policy reference, Options options, RewardSet rewards) {
        this.policy = policy;
        this.options = options;
        this.rewards = rewards;
        if (options.refModelSyncSteps() > 0 && policy instanceof TransformerPolicy tp && tp.hasAdapter()) {
            throw new Grpo4jException("loss.ref_model_sync_steps needs full fine-tuning: with LoRA the reference "
                    + "is the base model with the adapters switched off; set it to 0 or remove model.lora");
        }
        this.reference = options.loss().beta() == 0 ? null
                : reference != null ? reference : initialReference(policy);
        this.manager = NDManager.newBaseManager();
        for (NDArray p : policy.parameters().values()) {
            p.setRequiresGradient(true);
        }
        this.optimizer = new AdamW(manager, policy.parameters(), options.adam());
    }

    /**
     * The reference when none is given: the base model with the adapters off for a LoRA policy (no second
     * copy of the weights), else a frozen copy of the policy.
     */
    private static Policy initialReference(Policy policy) {
        if (policy instanceof TransformerPolicy tp && tp.hasAdapter()) {
            return tp.withoutAdapter();
        }
        return policy.copy();
    }

    public Policy policy() {
        return policy;
    }

    /** The reference model, or null when β = 0. */
    public Policy reference() {
        return reference;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /** Total prompt + completion tokens generated so far (TRL's cumulative {@code num_tokens}). */
    public long tokensSeen() {
        return tokensSeen;
    }

    /** Restores the counters a checkpoint holds besides weights and optimizer moments. */
    public void restoreCounters(long tokensSeen) {
        this.tokensSeen = tokensSeen;
    }

    /** Tells {@code listener} when each phase of every later step ends (replaces the previous one). */
    public void onPhaseEnd(StepPhase.Listener listener) {
        this.phases = listener;
    }

    /**
     * Runs step {@code step} (1-based) on {@code prompts}: prompts → rollouts → rewards → advantages →
     * loss → AdamW, then the reference's periodic sync.
     */
    public StepResult step(int step, List<Prompt> prompts) {
        if (prompts.isEmpty()) {
            throw new Grpo4jException("step " + step + " has no prompts");
        }
        long t0 = System.nanoTime();
        // prompts → rollouts: G completions per prompt
        Completions c = policy.generate(idsOf(prompts), options.numGenerations(), options.sampling(),
                Seeds.of(options.seed(), step, Seeds.GENERATION));
        long t1 = System.nanoTime();
        phases.ended(StepPhase.GENERATION);
        Rollouts rollouts = Rollouts.generated(prompts, c, decode(c));
        // rewards: every reward function scores every completion, summed with their weights
        rollouts = rollouts.withRewards(rewards.score(rollouts.rewardInputs()));
        // advantages: each completion's reward against its group's
        rollouts = rollouts.withAdvantages(advantages(rollouts.rewards(), rollouts.groups()));

        Map<String, Double> metrics = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            // the rows that enter the loss, in micro-batches, with the reference model's log-probs
            List<MicroBatch> batches = microBatches(rollouts);
            long tRef0 = System.nanoTime();
            batches = withReferenceLogProbs(scope, batches);
            long tRef1 = System.nanoTime();
            phases.ended(StepPhase.REFERENCE);
            // loss → AdamW: μ optimizer updates, each accumulating the gradients of every micro-batch
            UpdateStats stats = batches.isEmpty()
                    ? skippedUpdate() // every group filtered out: nothing to learn from this batch
                    : update(scope, batches, totals(batches));
            long t2 = System.nanoTime();
            phases.ended(StepPhase.UPDATE);
            putMetrics(metrics, rollouts, stats);
            putTimings(metrics, rollouts, t0, t1, tRef0, tRef1, t2);
        }
        // every ref_model_sync_steps the reference moves towards the policy (TRL)
        if (reference != null && options.refModelSyncSteps() > 0 && step % options.refModelSyncSteps() == 0) {
            reference.mixFrom(policy, options.refModelMixupAlpha());
        }
        return new StepResult(step, metrics, rollouts.samples(), rollouts.advantages().advantages());
    }

    /**
     * Each completion's advantage against its group: from the summed reward, or with
     * {@code multi_objective_aggregation: normalize_then_sum} (GDPO) from each function normalised first.
     */
    private AdvantageResult advantages(RewardResult scores, int[] groups) {
        return options.advantage().aggregation() == MultiObjectiveAggregation.NORMALIZE_THEN_SUM
                ? Advantages.normalizeThenSum(scores.perFunction(), scores.weights(), groups, options.advantage())
                : Advantages.compute(scores.total(), groups, options.advantage());
    }

    private static List<int[]> idsOf(List<Prompt> prompts) {
        List<int[]> ids = new ArrayList<>(prompts.size());
        for (Prompt p : prompts) {
            ids.add(p.ids());
        }
        return ids;
    }

    private List<String> decode(Completions c) {
        List<String> texts = new ArrayList<>(c.size());
        for (int[] tokens : c.tokens()) {
            texts.add(policy.decode(tokens));
        }
        return texts;
    }

    /**
     * The rows of the loss (all, or without zero-std groups when {@code filter_zero_std_groups}) cut into
     * micro-batches of {@code micro_batch_size}.
     */
    private List<MicroBatch> microBatches(Rollouts rollouts) {
        int[] rows = options.filterZeroStdGroups()
                ? Advantages.keptRows(rollouts.advantages().zeroStdRow())
                : IntStream.range(0, rollouts.size()).toArray();
        int size = Math.max(1, options.microBatchSize());
        List<MicroBatch> out = new ArrayList<>();
        for (int start = 0; start < rows.length; start += size) {
            int[] mb = Arrays.copyOfRange(rows, start, Math.min(rows.length, start + size));
            out.add(rollouts.select(mb, options.maskTruncatedCompletions()));
        }
        return out;
    }

    /** Counts of the whole batch that every micro-batch's loss is normalised by. */
    private BatchTotals totals(List<MicroBatch> batches) {
        int sequences = 0;
        double tokens = 0;
        for (MicroBatch mb : batches) {
            sequences += mb.size();
            tokens += mb.lossTokens();
        }
        return new BatchTotals(sequences, tokens, options.sampling().maxNewTokens());
    }

    /** Temperature the scores are computed at: the sampling temperature (1 for greedy decoding). */
    private double temperature() {
        return options.sampling().greedy() ? 1.0 : options.sampling().temperature();
    }

    private List<MicroBatch> withReferenceLogProbs(NDManager scope, List<MicroBatch> batches) {
        if (reference == null) {
            return batches;
        }
        List<MicroBatch> out = new ArrayList<>(batches.size());
        for (MicroBatch mb : batches) {
            Policy.TokenScores s = reference.score(scope, mb.prompts(), mb.completions(), temperature());
            s.entropy().close(); // the reference's log-probs are all the update needs
            out.add(mb.withRefLogProbs(s.logProbs()));
        }
        return out;
    }

    /** Averages over the μ updates of one step (kl and entropy: of the first pass, at π_old). */
    private static final class UpdateStats {
        double loss, gradNorm, learningRate, kl, entropy, clipLow, clipHigh, clipRegion, ratio;
        Map<String, Double> entropyByPosition = Map.of();
    }

    private UpdateStats skippedUpdate() {
        UpdateStats stats = new UpdateStats();
        stats.learningRate = options.schedule().at((int) optimizer.step());
        stats.ratio = 1.0;
        return stats;
    }

    /**
     * μ optimizer updates over {@code batches}: per update, each micro-batch's loss is back-propagated
     * (gradients accumulate), then the global norm is clipped and AdamW steps. The first pass records
     * π_old's log-probs for the later ones.
     */
    private UpdateStats update(NDManager scope, List<MicroBatch> batches, BatchTotals totals) {
        UpdateStats stats = new UpdateStats();
        Map<String, NDArray> params = policy.parameters();
        int mu = options.numIterations();
        batches = new ArrayList<>(batches);
        double tokenCount = Math.max(totals.tokens(), 1e-12);
        EntropyByPosition byPosition = new EntropyByPosition(options.sampling().maxNewTokens());
        boolean entropyGradient = options.loss().entropyCoeff() != 0;
        for (int it = 0; it < mu; it++) {
            Gradients.zero(params);
            double loss = 0, clipLow = 0, clipHigh = 0, clipRegion = 0, ratio = 0;
            for (int m = 0; m < batches.size(); m++) {
                MicroBatch mb = batches.get(m);
                try (NDManager mbScope = scope.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    UpdateScores s = UpdateScores.of(policy, mbScope, mb.prompts(), mb.completions(),
                            temperature(), entropyGradient);
                    NDArray logp = s.logProbs(); // [b, T]
                    NDArray mask = mb.mask(mbScope, logp.getShape()); // [b, T]
                    NDArray old;
                    if (it == 0) {
                        // π_old is the policy as it is now, before any update: ratio exactly 1 in value.
                        old = logp.stopGradient();
                        if (mu > 1) {
                            NDArray kept = old.duplicate();
                            kept.attach(scope);
                            batches.set(m, mb.withOldLogProbs(kept));
                        }
                        stats.entropy += s.entropy().stopGradient().mul(mask).sum().getFloat();
                        byPosition.add(s.entropy(), mask);
                    } else {
                        old = mb.oldLogProbs();
                    }
                    LossTerms terms = GrpoLoss.compute(logp, old, mb.refLogProbs(), mbScope.create(mb.advantages()),
                            mask, options.loss(), totals, s.entropy());
                    s.backward(collector, terms.loss());
                    loss += terms.loss().getFloat();
                    clipLow += terms.clipLowSum();
                    clipHigh += terms.clipHighSum();
                    clipRegion += terms.clipRegionSum();
                    ratio += terms.ratioSum();
                    if (it == 0) {
                        stats.kl += terms.klSum();
                    }
                }
            }
            double norm = Gradients.clipByGlobalNorm(params, options.maxGradNorm());
            double lr = options.schedule().at((int) optimizer.step());
            optimizer.update(lr);
            stats.loss += loss / mu;
            stats.gradNorm += norm / mu;
            stats.learningRate = lr;
            stats.clipLow += clipLow / tokenCount / mu;
            stats.clipHigh += clipHigh / tokenCount / mu;
            stats.clipRegion += clipRegion / tokenCount / mu;
            stats.ratio += ratio / tokenCount / mu;
        }
        stats.kl /= tokenCount;
        stats.entropy /= tokenCount;
        stats.entropyByPosition = byPosition.metrics();
        return stats;
    }

    /** TRL's step metrics, in TRL's order. */
    private void putMetrics(Map<String, Double> metrics, Rollouts rollouts, UpdateStats stats) {
        metrics.put("loss", stats.loss);
        metrics.put("grad_norm", stats.gradNorm);
        metrics.put("learning_rate", stats.learningRate);
        putRewardMetrics(metrics, rollouts.rewards().total(), rollouts.rewards(), rollouts.groups(),
                rollouts.advantages().fracRewardZeroStd());
        if (reference != null) {
            metrics.put("kl", stats.kl);
        }
        metrics.put("entropy", stats.entropy);
        metrics.putAll(stats.entropyByPosition);
        putLengthMetrics(metrics, rollouts.lengths(), rollouts.completions().truncated());
        if (options.loss().lossType() == LossType.CISPO) {
            metrics.put("cispo_clip_ratio", stats.clipHigh); // TRL's name: ρ > ε_max with A > 0
        } else {
            metrics.put("clip_ratio/low_mean", stats.clipLow);
            metrics.put("clip_ratio/high_mean", stats.clipHigh);
            metrics.put("clip_ratio/region_mean", stats.clipRegion);
        }
        metrics.put("ratio/mean", stats.ratio);
        tokensSeen += rollouts.tokens();
        metrics.put("num_tokens", (double) tokensSeen);
    }

    /** Throughput and phase wall times in seconds (grpo4j bench reads them); reward and advantages are the rest. */
    private void putTimings(Map<String, Double> metrics, Rollouts rollouts, long t0, long t1, long tRef0, long tRef1,
            long t2) {
        double genSeconds = (t1 - t0) / 1e9;
        double updateSeconds = (t2 - t1) / 1e9;
        metrics.put("step_time", (t2 - t0) / 1e9);
        metrics.put("gen_tokens_per_s", rollouts.completionTokens() / Math.max(genSeconds, 1e-9));
        metrics.put("train_tokens_per_s",
                (double) rollouts.tokens() * options.numIterations() / Math.max(updateSeconds, 1e-9));
        metrics.put("timing/generation", genSeconds);
        metrics.put("timing/reference", (tRef1 - tRef0) / 1e9);
        metrics.put("timing/update", (t2 - tRef1) / 1e9);
    }

    private void putRewardMetrics(Map<String, Double> metrics, double[] reward, RewardResult scores, int[] group,
            double fracZeroStd) {
        metrics.put("reward", Stats.mean(reward));
        metrics.put("reward_std", options.advantage().scaleRewards() == ScaleRewards.BATCH
                ? Stats.std(reward, options.advantage().std())
                : Stats.meanGroupStd(reward, group, options.advantage().std()));
        metrics.putAll(scores.metrics());
        metrics.put("frac_reward_zero_std", fracZeroStd);
    }

    private static void putLengthMetrics(Map<String, Double> metrics, int[] lengths, boolean[] truncated) {
        double sum = 0;
        int min = Integer.MAX_VALUE, max = 0, clipped = 0;
        for (int i = 0; i < lengths.length; i++) {
            sum += lengths[i];
            min = Math.min(min, lengths[i]);
            max = Math.max(max, lengths[i]);
            clipped += truncated[i] ? 1 : 0;
        }
        metrics.put("completions/mean_length", sum / lengths.length);
        metrics.put("completions/min_length", (double) min);
        metrics.put("completions/max_length", (double) max);
        metrics.put("completions/clipped_ratio", (double) clipped / lengths.length);
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
        if (reference != null) {
            reference.close();
        }
    }
}
