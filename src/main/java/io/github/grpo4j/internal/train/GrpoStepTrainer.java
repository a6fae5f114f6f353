package io.github.grpo4j.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.Sample;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.internal.algo.AdvantageOptions;
import io.github.grpo4j.internal.algo.AdvantageResult;
import io.github.grpo4j.internal.algo.Advantages;
import io.github.grpo4j.internal.algo.BatchTotals;
import io.github.grpo4j.internal.algo.GrpoLoss;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.algo.LossTerms;
import io.github.grpo4j.internal.algo.MultiObjectiveAggregation;
import io.github.grpo4j.internal.algo.LossType;
import io.github.grpo4j.internal.algo.ScaleRewards;
import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.policy.TransformerPolicy;
import io.github.grpo4j.reward.RewardInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One GRPO step, GRPO.md §1, over any {@link Policy}: rollout → reward → group-relative advantages →
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
     * @param advantage                GRPO.md §2
     * @param loss                     GRPO.md §3–§5
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
            long seed) {}


    private final Policy policy;
    private final Policy reference;
    private final Options options;
    private final RewardSet rewards;
    private final NDManager manager;
    private final AdamW optimizer;
    private long tokensSeen;

    /**
     * @param policy    trained in place
     * @param reference frozen reference model, or null to copy the policy now (ignored when β = 0)
     */
    public GrpoStepTrainer(Policy policy, Policy reference, Options options, RewardSet rewards) {
        if (options.numGenerations() < 2) {
            throw new Grpo4jException("num_generations must be at least 2 (a group needs two completions to compare); got "
                    + options.numGenerations());
        }
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

    /** Runs step {@code step} (1-based) on {@code prompts}. */
    public StepResult step(int step, List<Prompt> prompts) {
        if (prompts.isEmpty()) {
            throw new Grpo4jException("step " + step + " has no prompts");
        }
        long t0 = System.nanoTime();
        int g = options.numGenerations();
        SamplingParams sampling = options.sampling();
        List<int[]> promptIds = new ArrayList<>(prompts.size());
        for (Prompt p : prompts) {
            promptIds.add(p.ids());
        }
        Completions c = policy.generate(promptIds, g, sampling, Seeds.of(options.seed(), step, Seeds.GENERATION));
        long t1 = System.nanoTime();

        int n = c.size();
        List<Prompt> rowPrompts = new ArrayList<>(n);
        List<String> texts = new ArrayList<>(n);
        int[] lengths = new int[n];
        long completionTokens = 0;
        long promptTokens = 0;
        for (int r = 0; r < n; r++) {
            Prompt p = prompts.get(c.promptIndex()[r]);
            rowPrompts.add(p);
            texts.add(policy.decode(c.tokens()[r]));
            lengths[r] = c.tokens()[r].length;
            completionTokens += lengths[r];
            promptTokens += p.ids().length;
        }
        List<RewardInput> inputs = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            Prompt p = rowPrompts.get(r);
            inputs.add(new RewardInput(p.text(), texts.get(r), p.row(), lengths[r], c.truncated()[r]));
        }
        RewardResult scores = rewards.score(inputs);
        double[] reward = scores.total();

        Map<String, Double> metrics = new LinkedHashMap<>();
        double[] advantagesOut = new double[n];
        double temperature = sampling.greedy() ? 1.0 : sampling.temperature();
        try (NDManager stepScope = manager.newSubManager()) {
            float[] rewardF = new float[n];
            for (int r = 0; r < n; r++) {
                rewardF[r] = (float) reward[r];
            }
            AdvantageResult adv = options.advantage().aggregation() == MultiObjectiveAggregation.NORMALIZE_THEN_SUM
                    ? Advantages.normalizeThenSum(stepScope, scores.perFunction(), scores.weights(), c.promptIndex(),
                            options.advantage())
                    : Advantages.compute(stepScope.create(rewardF), c.promptIndex(), options.advantage());
            float[] advantages = adv.advantages().toFloatArray();
            for (int r = 0; r < n; r++) {
                advantagesOut[r] = advantages[r];
            }

            List<Integer> kept = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                if (!(options.filterZeroStdGroups() && adv.zeroStdRow()[r])) {
                    kept.add(r);
                }
            }
            double tokens = 0;
            for (int r : kept) {
                tokens += tokenWeight(c, r) * lengths[r];
            }
            BatchTotals totals = kept.isEmpty() ? null : new BatchTotals(kept.size(), tokens, sampling.maxNewTokens());
            List<int[]> micro = microBatches(kept);

            long tRef0 = System.nanoTime();
            List<NDArray> refLogProbs = referenceLogProbs(stepScope, micro, c, rowPrompts, temperature);
            long tRef1 = System.nanoTime();
            UpdateStats stats = kept.isEmpty()
                    ? skippedUpdate() // every group filtered out: nothing to learn from this batch
                    : update(stepScope, micro, c, rowPrompts, advantages, refLogProbs, totals, temperature);
            long t2 = System.nanoTime();

            metrics.put("loss", stats.loss);
            metrics.put("grad_norm", stats.gradNorm);
            metrics.put("learning_rate", stats.learningRate);
            putRewardMetrics(metrics, reward, scores, c.promptIndex(), adv.fracRewardZeroStd());
            if (reference != null) {
                metrics.put("kl", stats.kl);
            }
            metrics.put("entropy", stats.entropy);
            metrics.putAll(stats.entropyByPosition);
            putLengthMetrics(metrics, lengths, c.truncated());
            if (options.loss().lossType() == LossType.CISPO) {
                metrics.put("cispo_clip_ratio", stats.clipHigh); // TRL's name: ρ > ε_max with A > 0
            } else {
                metrics.put("clip_ratio/low_mean", stats.clipLow);
                metrics.put("clip_ratio/high_mean", stats.clipHigh);
                metrics.put("clip_ratio/region_mean", stats.clipRegion);
            }
            metrics.put("ratio/mean", stats.ratio);
            tokensSeen += promptTokens + completionTokens;
            metrics.put("num_tokens", (double) tokensSeen);
            double genSeconds = (t1 - t0) / 1e9;
            double updateSeconds = (t2 - t1) / 1e9;
            metrics.put("step_time", (t2 - t0) / 1e9);
            metrics.put("gen_tokens_per_s", completionTokens / Math.max(genSeconds, 1e-9));
            metrics.put("train_tokens_per_s",
                    (double) (promptTokens + completionTokens) * options.numIterations() / Math.max(updateSeconds, 1e-9));
            // phase wall times in seconds (grpo4j bench reads them); reward and advantages are the rest
            metrics.put("timing/generation", genSeconds);
            metrics.put("timing/reference", (tRef1 - tRef0) / 1e9);
            metrics.put("timing/update", (t2 - tRef1) / 1e9);
        }
        if (reference != null && options.refModelSyncSteps() > 0 && step % options.refModelSyncSteps() == 0) {
            reference.mixFrom(policy, options.refModelMixupAlpha());
        }

        List<Sample> samples = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            Map<String, Double> per = new LinkedHashMap<>();
            for (int k = 0; k < scores.names().size(); k++) {
                per.put(scores.names().get(k), scores.perFunction()[k][r]);
            }
            samples.add(new Sample(rowPrompts.get(r).text(), texts.get(r), reward[r], per, lengths[r], c.truncated()[r]));
        }
        return new StepResult(step, metrics, samples, advantagesOut);
    }

    /** 0 for tokens of truncated completions when they are masked, else 1. */
    private double tokenWeight(Completions c, int row) {
        return options.maskTruncatedCompletions() && c.truncated()[row] ? 0 : 1;
    }

    private List<int[]> microBatches(List<Integer> rows) {
        int size = Math.max(1, options.microBatchSize());
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += size) {
            int end = Math.min(rows.size(), start + size);
            int[] mb = new int[end - start];
            for (int i = start; i < end; i++) {
                mb[i - start] = rows.get(i);
            }
            out.add(mb);
        }
        return out;
    }

    private List<NDArray> referenceLogProbs(NDManager scope, List<int[]> micro, Completions c, List<Prompt> rowPrompts,
            double temperature) {
        if (reference == null) {
            return null;
        }
        List<NDArray> out = new ArrayList<>(micro.size());
        for (int[] mb : micro) {
            out.add(reference.score(scope, promptsOf(mb, rowPrompts), tokensOf(mb, c), temperature).logProbs());
        }
        return out;
    }

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

    private UpdateStats update(NDManager scope, List<int[]> micro, Completions c, List<Prompt> rowPrompts,
            float[] advantages, List<NDArray> refLogProbs, BatchTotals totals, double temperature) {
        UpdateStats stats = new UpdateStats();
        Map<String, NDArray> params = policy.parameters();
        int mu = options.numIterations();
        List<NDArray> oldLogProbs = new ArrayList<>(micro.size());
        double tokenCount = Math.max(totals.tokens(), 1e-12);
        EntropyByPosition byPosition = new EntropyByPosition(options.sampling().maxNewTokens());
        boolean entropyGradient = options.loss().entropyCoeff() != 0;
        for (int it = 0; it < mu; it++) {
            Gradients.zero(params);
            double loss = 0, clipLow = 0, clipHigh = 0, clipRegion = 0, ratio = 0;
            for (int m = 0; m < micro.size(); m++) {
                int[] mb = micro.get(m);
                try (NDManager mbScope = scope.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    List<int[]> tokens = tokensOf(mb, c);
                    Policy.TokenScores s =
                            policy.score(mbScope, promptsOf(mb, rowPrompts), tokens, temperature, entropyGradient);
                    NDArray logp = s.logProbs(); // [b, T]
                    NDArray mask = mask(mbScope, mb, c, logp.getShape()); // [b, T]
                    NDArray old;
                    if (it == 0) {
                        // π_old is the policy as it is now, before any update: ratio exactly 1 in value.
                        old = logp.stopGradient();
                        if (mu > 1) {
                            NDArray kept = old.duplicate();
                            kept.attach(scope);
                            oldLogProbs.add(kept);
                        }
                        stats.entropy += s.entropy().stopGradient().mul(mask).sum().getFloat();
                        byPosition.add(s.entropy(), mask);
                    } else {
                        old = oldLogProbs.get(m);
                    }
                    NDArray ref = refLogProbs == null ? null : refLogProbs.get(m);
                    float[] advRow = new float[mb.length];
                    for (int i = 0; i < mb.length; i++) {
                        advRow[i] = advantages[mb[i]];
                    }
                    LossTerms terms = GrpoLoss.compute(logp, old, ref, mbScope.create(advRow), mask,
                            options.loss(), totals, s.entropy());
                    collector.backward(terms.loss());
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

    private NDArray mask(NDManager scope, int[] mb, Completions c, Shape shape) {
        int t = (int) shape.get(1);
        float[] m = new float[mb.length * t];
        for (int i = 0; i < mb.length; i++) {
            int r = mb[i];
            float w = (float) tokenWeight(c, r);
            int len = c.tokens()[r].length;
            for (int j = 0; j < len && j < t; j++) {
                m[i * t + j] = w;
            }
        }
        return scope.create(m, shape);
    }

    private static List<int[]> promptsOf(int[] rows, List<Prompt> rowPrompts) {
        List<int[]> out = new ArrayList<>(rows.length);
        for (int r : rows) {
            out.add(rowPrompts.get(r).ids());
        }
        return out;
    }

    private static List<int[]> tokensOf(int[] rows, Completions c) {
        List<int[]> out = new ArrayList<>(rows.length);
        for (int r : rows) {
            out.add(c.tokens()[r]);
        }
        return out;
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
