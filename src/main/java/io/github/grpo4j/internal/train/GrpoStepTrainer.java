package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDManager;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.agent.Episodes;
import io.github.grpo4j.internal.agent.MultiTurnRollout;
import io.github.grpo4j.Sample;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.RolloutSeeding;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.TrainingSection;
import io.github.grpo4j.internal.algo.AdvantageOptions;
import io.github.grpo4j.internal.algo.AdvantageResult;
import io.github.grpo4j.internal.algo.Advantages;
import io.github.grpo4j.internal.algo.BatchTotals;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.tensor.GradMode;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * One GRPO step, docs/algorithm.md §1, over any {@link Policy}: rollout → reward → group-relative advantages →
 * reference log-probs → μ passes of micro-batched, gradient-accumulated AdamW updates of the clipped
 * surrogate with KL penalty. {@link #round} runs several steps on one generation ({@code steps_per_generation})
 * and, with {@link #dynamicSampling}, resamples until the groups have signal ({@link DynamicSampling}).
 *
 * <p>The loop around it (data, checkpoints, metrics files) lives in {@link TrainingRun}; this class
 * holds what one step needs and the state that carries over between steps (optimizer, reference).
 */
public final class GrpoStepTrainer implements StepRunner {

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
                    AdamW.Options.of(t),
                    t.maxGradNorm(),
                    c.seed());
        }

        /** {@return the options of the default config ({@link GrpoConfig#defaults()})} */
        public static Options defaults() {
            return from(GrpoConfig.defaults());
        }

        /** {@return a builder that starts from these options (tests, the bench and the demo change a few)} */
        public Builder toBuilder() {
            return new Builder(this);
        }

        /** Options changed a group at a time; every field starts at the options the builder was made from. */
        public static final class Builder {
            private int numGenerations;
            private SamplingParams sampling;
            private int microBatchSize;
            private int numIterations;
            private AdvantageOptions advantage;
            private LossOptions loss;
            private boolean maskTruncatedCompletions;
            private boolean filterZeroStdGroups;
            private int refModelSyncSteps;
            private double refModelMixupAlpha;
            private LrSchedule schedule;
            private AdamW.Options adam;
            private double maxGradNorm;
            private long seed;

            private Builder(Options o) {
                numGenerations = o.numGenerations;
                sampling = o.sampling;
                microBatchSize = o.microBatchSize;
                numIterations = o.numIterations;
                advantage = o.advantage;
                loss = o.loss;
                maskTruncatedCompletions = o.maskTruncatedCompletions;
                filterZeroStdGroups = o.filterZeroStdGroups;
                refModelSyncSteps = o.refModelSyncSteps;
                refModelMixupAlpha = o.refModelMixupAlpha;
                schedule = o.schedule;
                adam = o.adam;
                maxGradNorm = o.maxGradNorm;
                seed = o.seed;
            }

            /** G completions per prompt, micro-batches of that many rows and μ passes. */
            public Builder batch(int numGenerations, int microBatchSize, int numIterations) {
                this.numGenerations = numGenerations;
                this.microBatchSize = microBatchSize;
                this.numIterations = numIterations;
                return this;
            }

            /** Generation settings. */
            public Builder sampling(SamplingParams sampling) {
                this.sampling = sampling;
                return this;
            }

            /** Advantage and loss settings. */
            public Builder objective(AdvantageOptions advantage, LossOptions loss) {
                this.advantage = advantage;
                this.loss = loss;
                return this;
            }

            /** DAPO's row filters: truncated completions, zero-std groups. */
            public Builder filters(boolean maskTruncatedCompletions, boolean filterZeroStdGroups) {
                this.maskTruncatedCompletions = maskTruncatedCompletions;
                this.filterZeroStdGroups = filterZeroStdGroups;
                return this;
            }

            /** The reference moving towards the policy every {@code steps} steps by α. */
            public Builder referenceSync(int refModelSyncSteps, double refModelMixupAlpha) {
                this.refModelSyncSteps = refModelSyncSteps;
                this.refModelMixupAlpha = refModelMixupAlpha;
                return this;
            }

            /** The optimizer: schedule, AdamW settings, gradient clip. */
            public Builder optimizer(LrSchedule schedule, AdamW.Options adam, double maxGradNorm) {
                this.schedule = schedule;
                this.adam = adam;
                this.maxGradNorm = maxGradNorm;
                return this;
            }

            /** The seed of sampling and of the micro-batch order. */
            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            /** {@return the options} */
            public Options build() {
                return new Options(numGenerations, sampling, microBatchSize, numIterations, advantage, loss,
                        maskTruncatedCompletions, filterZeroStdGroups, refModelSyncSteps, refModelMixupAlpha, schedule,
                        adam, maxGradNorm, seed);
            }
        }
    }


    private final Policy policy;
    private final Policy reference;
    private final Options options;
    private final RewardSet rewards;
    private final TrainerState state;
    private final AdamW optimizer;
    private StepPhase.Listener phases = phase -> { };
    private MultiTurnRollout multiTurn;
    private DynamicSampling.Options dynamicSampling = DynamicSampling.Options.OFF;
    private RolloutSeeding rolloutSeeding = RolloutSeeding.BATCH;

    /**
     * @param policy    trained in place
     * @param reference frozen reference model, or null to copy the policy now (ignored when β = 0)
     */
    public GrpoStepTrainer(Policy policy, Policy reference, Options options, RewardSet rewards) {
        this.policy = policy;
        this.options = options;
        this.rewards = rewards;
        if (options.refModelSyncSteps() > 0 && policy instanceof LanguageModelPolicy tp && tp.hasAdapter()) {
            throw new Grpo4jException("loss.ref_model_sync_steps needs full fine-tuning: with LoRA the reference "
                    + "is the base model with the adapters switched off; set it to 0 or remove model.lora");
        }
        this.reference = options.loss().beta() == 0 ? null
                : reference != null ? reference : initialReference(policy);
        this.state = new TrainerState(policy.parameters(), options.adam());
        this.optimizer = state.optimizer();
    }

    /**
     * The reference when none is given: the base model with the adapters off for a LoRA policy (no second
     * copy of the weights), else a frozen copy of the policy.
     */
    private static Policy initialReference(Policy policy) {
        if (policy instanceof LanguageModelPolicy tp && tp.hasAdapter()) {
            return tp.withoutAdapter();
        }
        return policy.copy();
    }

    public Policy policy() {
        return policy;
    }

    /** The reference model, or null when β = 0. */
    @Override
    public Policy reference() {
        return reference;
    }

    @Override
    public TrainerState state() {
        return state;
    }

    /**
     * Where each step's sampling randomness comes from ({@code training.rollout_seeding}): one stream for the
     * batch (default), or one per prompt group, each group generated on its own.
     *
     * @return this trainer
     */
    public GrpoStepTrainer rolloutSeeding(RolloutSeeding seeding) {
        this.rolloutSeeding = seeding;
        return this;
    }

    /** Sets DAPO's dynamic sampling for later steps (off by default). */
    public GrpoStepTrainer dynamicSampling(DynamicSampling.Options options) {
        this.dynamicSampling = options;
        return this;
    }

    /** Tells {@code listener} when each phase of every later step ends (replaces the previous one). */
    public void onPhaseEnd(StepPhase.Listener listener) {
        this.phases = listener;
    }

    /**
     * Makes every later step's rollouts multi-turn episodes with tools (null: single-turn completions).
     * The caller keeps ownership of the tools.
     */
    public void multiTurn(MultiTurnRollout rollout) {
        this.multiTurn = rollout;
    }

    /**
     * Runs step {@code step} (1-based) on {@code prompts}: prompts → rollouts → rewards → advantages →
     * loss → AdamW, then the reference's periodic sync. With dynamic sampling, which needs new prompts
     * from the data, use {@link #round}.
     */
    public StepResult step(int step, List<Prompt> prompts) {
        if (prompts.isEmpty()) {
            throw new Grpo4jException("step " + step + " has no prompts");
        }
        boolean[] given = {false};
        return round(step, 1, () -> {
            if (given[0]) {
                throw new Grpo4jException("step " + step + " needs more prompts than it was given (dynamic "
                        + "sampling draws new ones): run it with round(), which takes the data stream");
            }
            given[0] = true;
            return prompts;
        }).get(0);
    }

    /**
     * Runs steps {@code firstStep … firstStep + steps − 1} on one generation: each call of {@code nextPrompts}
     * gives one step's prompts. Prompts → rollouts → rewards (with dynamic sampling: again with new prompts
     * until enough groups have signal) → advantages over the whole generated batch → the batch split into
     * {@code steps} mini-batches of groups, each its own AdamW update per pass (μ passes, mini-batches in
     * order within a pass, as TRL's {@code steps_per_generation} and verl's mini-batches), with importance
     * ratios against the policy that generated the batch. One result per step.
     */
    @Override
    public List<StepResult> round(int firstStep, int steps, Supplier<List<Prompt>> nextPrompts) {
        long t0 = System.nanoTime();
        // prompts → rollouts → rewards: G completions per prompt, every reward function scores them (with
        // dynamic sampling: again with new prompts until enough groups have signal)
        Generation generation = generate(firstStep, steps, nextPrompts);
        DynamicSampling.Result generated = generation.result();
        long t1 = System.nanoTime();
        phases.ended(StepPhase.GENERATION);
        // advantages: each completion's reward against its group's, over the groups trained on
        boolean trained = generated.kept().size() > 0;
        Rollouts rollouts = trained ? generated.kept() : generated.lastGenerated();
        rollouts = rollouts.withAdvantages(advantages(rollouts.rewards(), rollouts.groups()));
        List<int[]> parts = parts(rollouts, generation.promptsPerStep());

        UpdateStats[] stats;
        long tRef0, tRef1, t2;
        try (NDManager scope = state.manager().newSubManager()) {
            // per step: the rows that enter the loss, in micro-batches, with the reference model's log-probs
            tRef0 = System.nanoTime();
            List<List<MicroBatch>> batches = new ArrayList<>();
            for (int[] part : parts) {
                batches.add(trained ? withReferenceLogProbs(scope, microBatches(rollouts, part)) : List.of());
            }
            if (steps > 1) { // the generating policy's log-probs, before any of the round's updates
                batches.replaceAll(b -> withOldLogProbs(scope, b));
            }
            tRef1 = System.nanoTime();
            phases.ended(StepPhase.REFERENCE);
            // loss → AdamW: μ passes, each one update per step, accumulating the gradients of its micro-batches
            stats = update(scope, batches, steps > 1);
            t2 = System.nanoTime();
            phases.ended(StepPhase.UPDATE);
        }
        state.addTokens(generated.tokens());
        List<StepResult> out = new ArrayList<>(steps);
        for (int s = 0; s < steps; s++) {
            Map<String, Double> m = stepMetrics(rollouts, generation, stats[s]);
            putTimings(m, rollouts.tokens(), generated.completionTokens(), steps, t0, t1, tRef0, tRef1, t2);
            syncReference(firstStep + s);
            out.add(result(firstStep + s, rollouts, parts.get(s), m));
        }
        return out;
    }

    /**
     * A round's generation: the rollouts (with dynamic sampling, of every generation batch), how many of the
     * first batch's prompts each step trains on, and with tools every batch's episodes.
     */
    private record Generation(DynamicSampling.Result result, int[] promptsPerStep, List<Episodes> episodes) {}

    /** Generates and scores the round's rollouts: each call of {@code nextPrompts} gives one step's prompts. */
    private Generation generate(int firstStep, int steps, Supplier<List<Prompt>> nextPrompts) {
        int[] promptsPerStep = new int[steps]; // of the first generation batch: the groups each step trains on
        List<Episodes> episodes = new ArrayList<>(); // with tools: every generation batch's episodes
        DynamicSampling.Result generated = DynamicSampling.collect(dynamicSampling, b -> {
                    List<Prompt> prompts = new ArrayList<>();
                    for (int s = 0; s < steps; s++) {
                        List<Prompt> p = nextPrompts.get();
                        if (p.isEmpty()) {
                            throw new Grpo4jException("step " + (firstStep + s) + " has no prompts");
                        }
                        if (b == 0) {
                            promptsPerStep[s] = p.size();
                        }
                        prompts.addAll(p);
                    }
                    return generate(firstStep, b, prompts, episodes);
                }, batch -> advantages(batch.rewards(), batch.groups()).zeroStdRow());
        return new Generation(generated, promptsPerStep, episodes);
    }

    /** Every {@code ref_model_sync_steps} steps the reference moves towards the policy (TRL). */
    private void syncReference(int step) {
        if (reference != null && options.refModelSyncSteps() > 0 && step % options.refModelSyncSteps() == 0) {
            reference.mixFrom(policy, options.refModelMixupAlpha());
        }
    }

    /** A step's result: its metrics, and the samples and advantages of its rows. */
    private static StepResult result(int step, Rollouts rollouts, int[] rows, Map<String, Double> metrics) {
        List<Sample> all = rollouts.samples();
        List<Sample> samples = new ArrayList<>(rows.length);
        double[] advantages = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            samples.add(all.get(rows[i]));
            advantages[i] = rollouts.advantages().advantages()[rows[i]];
        }
        return new StepResult(step, metrics, samples, advantages);
    }

    /**
     * One generation batch: G completions of each prompt, decoded and scored by every reward function. With
     * tools, the batch's episodes are added to {@code episodes} (for the round's tool metrics). Under
     * {@code rollout_seeding: group} each prompt's group is generated on its own from
     * {@link Seeds#group its own seed}, as a distributed run generates it wherever the group lands.
     */
    private Rollouts generate(int firstStep, int batch, List<Prompt> prompts, List<Episodes> episodesOut) {
        long seed = Seeds.of(options.seed(), firstStep, Seeds.GENERATION);
        long batchSeed = batch == 0 ? seed : Seeds.of(seed, batch, Seeds.GENERATION); // resampling: a stream of its own
        if (rolloutSeeding == RolloutSeeding.BATCH) {
            return generate(prompts, batchSeed, episodesOut);
        }
        List<Rollouts> groups = new ArrayList<>(prompts.size());
        for (int g = 0; g < prompts.size(); g++) {
            groups.add(generate(List.of(prompts.get(g)), Seeds.group(batchSeed, g), episodesOut));
        }
        return Rollouts.concat(groups);
    }

    /** G completions of each of {@code prompts} from the one random stream {@code seed}, scored. */
    private Rollouts generate(List<Prompt> prompts, long seed, List<Episodes> episodesOut) {
        // G completions per prompt, or with tools G multi-turn episodes whose tool results are context only
        Episodes episodes = multiTurn == null ? null
                : multiTurn.generate(policy, idsOf(prompts), prompts.stream().map(Prompt::row).toList(),
                        options.numGenerations(), options.sampling(), seed);
        Completions c = episodes != null ? episodes.completions()
                : policy.generate(idsOf(prompts), options.numGenerations(), options.sampling(), seed);
        Rollouts rollouts = Rollouts.generated(prompts, c, decode(c));
        if (episodes != null) {
            rollouts = rollouts.withEpisodes(episodes);
            episodesOut.add(episodes);
        }
        return rollouts.withRewards(rewards.score(rollouts.rewardInputs()));
    }

    /**
     * The rows of each step's mini-batch: the next {@code promptsPerStep[s]} groups for step s (fewer, or none,
     * when dynamic sampling ran out of generation batches).
     */
    private static List<int[]> parts(Rollouts rollouts, int[] promptsPerStep) {
        int[] groups = rollouts.groups();
        List<int[]> out = new ArrayList<>(promptsPerStep.length);
        int lo = 0;
        for (int count : promptsPerStep) {
            int from = lo, to = lo + count;
            out.add(IntStream.range(0, groups.length).filter(r -> groups[r] >= from && groups[r] < to).toArray());
            lo = to;
        }
        return out;
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
     * The rows {@code part} of the loss (all, or without zero-std groups when {@code filter_zero_std_groups})
     * cut into micro-batches of {@code micro_batch_size}.
     */
    private List<MicroBatch> microBatches(Rollouts rollouts, int[] part) {
        boolean[] zeroStd = rollouts.advantages().zeroStdRow();
        int[] rows = options.filterZeroStdGroups()
                ? Arrays.stream(part).filter(r -> !zeroStd[r]).toArray()
                : part;
        int size = Math.max(1, options.microBatchSize());
        List<MicroBatch> out = new ArrayList<>();
        for (int start = 0; start < rows.length; start += size) {
            int[] mb = Arrays.copyOfRange(rows, start, Math.min(rows.length, start + size));
            out.add(rollouts.select(mb, options.maskTruncatedCompletions()));
        }
        return out;
    }

    /** Counts of the step's mini-batch that every micro-batch's loss is normalised by. */
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
        // all micro-batches at once: an offloaded reference reads its weights once per step
        List<Policy.TokenScores> scores = reference.scoreEach(scope, batches.stream().map(MicroBatch::prompts).toList(),
                batches.stream().map(MicroBatch::completions).toList(), temperature());
        for (int i = 0; i < batches.size(); i++) {
            Policy.TokenScores s = scores.get(i);
            s.entropy().close(); // the reference's log-probs are all the update needs
            out.add(batches.get(i).withRefLogProbs(s.logProbs()));
        }
        return out;
    }

    /** The policy's log-probs as they are now (π_old of every update that follows), without a graph. */
    private List<MicroBatch> withOldLogProbs(NDManager scope, List<MicroBatch> batches) {
        List<MicroBatch> out = new ArrayList<>(batches.size());
        try (GradMode off = GradMode.off()) {
            for (MicroBatch mb : batches) {
                Policy.TokenScores s = policy.score(scope, mb.prompts(), mb.completions(), temperature());
                s.entropy().close();
                out.add(mb.withOldLogProbs(s.logProbs().stopGradient()));
            }
        }
        return out;
    }

    /** Averages over the μ updates of one step (kl and entropy: of the first pass, at π_old). */
    private static final class UpdateStats {
        double loss, gradNorm, learningRate, kl, entropy, clipLow, clipHigh, clipRegion, ratio;
        EntropyByPosition byPosition;
        Map<String, Double> entropyByPosition = Map.of();
    }

    /**
     * μ passes over the steps' mini-batches, in order within a pass; per step and pass one optimizer update:
     * each micro-batch's loss is back-propagated (gradients accumulate), then the global norm is clipped and
     * AdamW steps. A step with no rows (all its groups filtered out) has no update. With {@code oldGiven}
     * π_old's log-probs are in the micro-batches; otherwise the first pass records them for the later ones.
     */
    private UpdateStats[] update(NDManager scope, List<List<MicroBatch>> steps, boolean oldGiven) {
        UpdateStats[] stats = new UpdateStats[steps.size()];
        List<List<MicroBatch>> batches = new ArrayList<>();
        for (int s = 0; s < stats.length; s++) {
            stats[s] = new UpdateStats();
            stats[s].ratio = 1.0;
            batches.add(new ArrayList<>(steps.get(s)));
        }
        int mu = options.numIterations();
        for (int it = 0; it < mu; it++) {
            for (int s = 0; s < stats.length; s++) {
                if (batches.get(s).isEmpty()) {
                    stats[s].learningRate = options.schedule().at((int) optimizer.step());
                    continue; // nothing to learn from this step's rows
                }
                pass(scope, batches.get(s), it, oldGiven, stats[s]);
            }
        }
        return stats;
    }

    /** One optimizer update over one step's micro-batches; adds its averages to {@code stats}. */
    private void pass(NDManager scope, List<MicroBatch> batches, int it, boolean oldGiven, UpdateStats stats) {
        int mu = options.numIterations();
        BatchTotals totals = totals(batches);
        double tokenCount = Math.max(totals.tokens(), 1e-12);
        if (it == 0) {
            stats.ratio = 0;
            stats.byPosition = new EntropyByPosition(options.sampling().maxNewTokens());
        }
        // the first pass keeps π_old (these weights) for the later ones, unless the round gave it
        LossGradients.Sums sums = LossGradients.accumulate(policy, scope, batches, options.loss(), totals,
                temperature(), it == 0, !oldGiven && it == 0 && mu > 1, stats.byPosition);
        double norm = Gradients.clipByGlobalNorm(policy.parameters(), options.maxGradNorm());
        double lr = options.schedule().at((int) optimizer.step());
        optimizer.update(lr);
        Gradients.release(policy.parameters()); // their memory is free until the next backward
        stats.loss += sums.loss() / mu;
        stats.gradNorm += norm / mu;
        stats.learningRate = lr;
        stats.clipLow += sums.clipLow() / tokenCount / mu;
        stats.clipHigh += sums.clipHigh() / tokenCount / mu;
        stats.clipRegion += sums.clipRegion() / tokenCount / mu;
        stats.ratio += sums.ratio() / tokenCount / mu;
        if (it == 0) {
            stats.kl = sums.kl() / tokenCount;
            stats.entropy = sums.entropy() / tokenCount;
            stats.entropyByPosition = stats.byPosition.metrics();
        }
    }

    /**
     * A step's metrics without the timings: TRL's, then with tools the round's episode metrics, with dynamic
     * sampling its counts.
     */
    private Map<String, Double> stepMetrics(Rollouts rollouts, Generation generation, UpdateStats stats) {
        Map<String, Double> m = new LinkedHashMap<>();
        putMetrics(m, rollouts, stats);
        if (!generation.episodes().isEmpty()) {
            m.putAll(Episodes.metrics(generation.episodes())); // over all the round's generation batches
        }
        if (dynamicSampling.enabled()) {
            generation.result().putMetrics(m);
        }
        return m;
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
        metrics.put("num_tokens", (double) state.tokensSeen());
    }

    /**
     * Throughput and phase wall times in seconds (grpo4j bench reads them); reward and advantages are the rest.
     * A generation shared by {@code steps} steps gives each step its share of the times; rates are the round's.
     */
    private void putTimings(Map<String, Double> metrics, long trainedTokens, long completionTokens, int steps,
            long t0, long t1, long tRef0, long tRef1, long t2) {
        double genSeconds = (t1 - t0) / 1e9;
        double updateSeconds = (t2 - t1) / 1e9;
        metrics.put("step_time", (t2 - t0) / 1e9 / steps);
        metrics.put("gen_tokens_per_s", completionTokens / Math.max(genSeconds, 1e-9));
        metrics.put("train_tokens_per_s",
                (double) trainedTokens * options.numIterations() / Math.max(updateSeconds, 1e-9));
        metrics.put("timing/generation", genSeconds / steps);
        metrics.put("timing/reference", (tRef1 - tRef0) / 1e9 / steps);
        metrics.put("timing/update", (t2 - tRef1) / 1e9 / steps);
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

    /** The completion length metrics of a batch (TRL's {@code completions/*}). */
    public static void putLengthMetrics(Map<String, Double> metrics, int[] lengths, boolean[] truncated) {
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
        state.close();
        if (reference != null) {
            reference.close();
        }
    }
}
