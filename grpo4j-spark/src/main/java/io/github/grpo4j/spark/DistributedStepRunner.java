package io.github.grpo4j.spark;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.internal.algo.AdvantageResult;
import io.github.grpo4j.internal.algo.Advantages;
import io.github.grpo4j.internal.config.ConfigIo;
import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.internal.train.AdamW;
import io.github.grpo4j.internal.train.Gradients;
import io.github.grpo4j.internal.train.GrpoStepTrainer;
import io.github.grpo4j.internal.train.Prompt;
import io.github.grpo4j.internal.train.Rollouts;
import io.github.grpo4j.internal.train.Stats;
import io.github.grpo4j.internal.train.StepRunner;
import io.github.grpo4j.internal.train.TrainerState;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.TransformerPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * The driver's side of a data-parallel GRPO step. The driver holds the trainable weights and AdamW; each
 * step it sends the weights to the {@link Shards}, which generate and score every prompt group where they
 * are, collects the rewards to compute the advantages over the whole batch (batch std, token counts), and
 * for each of the μ updates sends the weights again, gets back the sum of the groups' gradients, clips the
 * global norm and steps. Metrics are computed from the collected rollouts and the summed terms, as one
 * machine computes them.
 */
final class DistributedStepRunner implements StepRunner {

    private static final NDIndex ALL = new NDIndex("...");

    private final TransformerPolicy policy;
    private final GrpoStepTrainer.Options options;
    private final Shards shards;
    private final TrainerState state;
    private final AdamW optimizer;

    /**
     * @param shards opens the shards for the run's config (as YAML, for the executors to rebuild the model,
     *               reference and rewards from) and the reference's weights (null: none, or LoRA's base)
     */
    DistributedStepRunner(GrpoConfig config, TransformerPolicy policy, TransformerPolicy reference,
            GrpoStepTrainer.Options options, BiFunction<String, Weights, Shards> shards) {
        refuseUnsupported(config);
        this.policy = policy;
        this.options = options;
        this.state = new TrainerState(policy.parameters(), options.adam());
        this.optimizer = state.optimizer();
        defineGradients(policy.parameters());
        Weights ref = options.loss().beta() == 0 ? null
                : reference != null ? Weights.of(reference.parameters())
                : policy.hasAdapter() ? null // the executors use their base with the adapters off
                : Weights.of(policy.parameters()); // the initial policy
        this.shards = shards.apply(ConfigIo.toYaml(config), ref);
        if (reference != null) {
            reference.close(); // broadcast once; the executors hold it, the driver needs no copy
        }
    }

    /** The factory {@link io.github.grpo4j.internal.train.TrainingRun#stepRunner} takes, over {@code shards}. */
    static Factory factory(BiFunction<String, Weights, Shards> shards) {
        return (config, policy, reference, options, rewards, multiTurn) -> {
            if (multiTurn != null) {
                throw new Grpo4jException("tools (multi-turn rollouts) do not run distributed yet: remove the tools "
                        + "section or train without --spark");
            }
            return new DistributedStepRunner(config, policy, reference, options, shards);
        };
    }

    private static void refuseUnsupported(GrpoConfig c) {
        String what = c.training().stepsPerGeneration() > 1 ? "training.steps_per_generation > 1"
                : c.training().dynamicSampling() ? "training.dynamic_sampling"
                : c.loss().refModelSyncSteps() > 0 ? "loss.ref_model_sync_steps > 0"
                : c.tools().enabled() ? "tools"
                : null;
        if (what != null) {
            throw new Grpo4jException(what + " does not run distributed yet (docs/distributed.md): "
                    + "change it or train without --spark");
        }
    }

    @Override
    public List<StepResult> round(int firstStep, int steps, Supplier<List<Prompt>> nextPrompts) {
        if (steps != 1) {
            throw new Grpo4jException("a distributed round has one step, not " + steps);
        }
        int step = firstStep;
        List<Prompt> prompts = nextPrompts.get();
        if (prompts.isEmpty()) {
            throw new Grpo4jException("step " + step + " has no prompts");
        }
        long t0 = System.nanoTime();
        // first pass: every group generated and scored where it lives
        Weights start = Weights.of(policy.parameters());
        List<GroupPrompt> groups = IntStream.range(0, prompts.size())
                .mapToObj(g -> GroupPrompt.of(g, prompts.get(g))).toList();
        List<GroupRollout> generated = shards.generate(step, start, groups);
        long t1 = System.nanoTime();
        Rollouts rollouts = rollouts(generated);
        rollouts = rollouts.withAdvantages(advantages(rollouts.rewards(), rollouts.groups()));
        // the whole batch's counts every group's loss is divided by
        boolean[] zeroStd = rollouts.advantages().zeroStdRow();
        boolean[] inLoss = new boolean[rollouts.size()];
        for (int r = 0; r < inLoss.length; r++) {
            inLoss[r] = !(options.filterZeroStdGroups() && zeroStd[r]);
        }
        int[] lossRows = IntStream.range(0, inLoss.length).filter(r -> inLoss[r]).toArray();
        double tokens = rollouts.select(lossRows, options.maskTruncatedCompletions()).lossTokens();
        double tokenCount = Math.max(tokens, 1e-12);
        // μ updates, each on the sum of the groups' gradients at the driver's current weights
        int mu = options.numIterations();
        Map<String, NDArray> params = policy.parameters();
        double loss = 0, gradNorm = 0, lr = 0, kl = 0, entropy = 0, clipLow = 0, clipHigh = 0, clipRegion = 0;
        double ratio = lossRows.length == 0 ? 1.0 : 0;
        for (int it = 0; it < mu; it++) {
            if (lossRows.length == 0) {
                lr = options.schedule().at((int) optimizer.step());
                continue; // nothing to learn from this step's rows
            }
            Weights now = it == 0 ? start : Weights.of(params);
            GradientSum sum = shards.gradients(now,
                    new StepPlan(rollouts.advantages().advantages(), inLoss, lossRows.length, tokens, it));
            setGradients(params, sum);
            double norm = Gradients.clipByGlobalNorm(params, options.maxGradNorm());
            lr = options.schedule().at((int) optimizer.step());
            optimizer.update(lr);
            loss += sum.loss() / mu;
            gradNorm += norm / mu;
            clipLow += sum.clipLow() / tokenCount / mu;
            clipHigh += sum.clipHigh() / tokenCount / mu;
            clipRegion += sum.clipRegion() / tokenCount / mu;
            ratio += sum.ratioSum() / tokenCount / mu;
            if (it == 0) {
                kl = sum.klSum() / tokenCount;
                entropy = sum.entropySum() / tokenCount;
            }
        }
        shards.endStep();
        long t2 = System.nanoTime();
        state.addTokens(rollouts.tokens());

        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("grad_norm", gradNorm);
        m.put("learning_rate", lr);
        double[] reward = rollouts.rewards().total();
        m.put("reward", Stats.mean(reward));
        m.put("reward_std", options.advantage().scaleRewards() == ScaleRewards.BATCH
                ? Stats.std(reward, options.advantage().std())
                : Stats.meanGroupStd(reward, rollouts.groups(), options.advantage().std()));
        m.putAll(rollouts.rewards().metrics());
        m.put("frac_reward_zero_std", rollouts.advantages().fracRewardZeroStd());
        if (options.loss().beta() != 0) {
            m.put("kl", kl);
        }
        m.put("entropy", entropy);
        GrpoStepTrainer.putLengthMetrics(m, rollouts.lengths(), rollouts.completions().truncated());
        if (options.loss().lossType() == LossType.CISPO) {
            m.put("cispo_clip_ratio", clipHigh);
        } else {
            m.put("clip_ratio/low_mean", clipLow);
            m.put("clip_ratio/high_mean", clipHigh);
            m.put("clip_ratio/region_mean", clipRegion);
        }
        m.put("ratio/mean", ratio);
        m.put("num_tokens", (double) state.tokensSeen());
        m.put("step_time", (t2 - t0) / 1e9);
        m.put("timing/generation", (t1 - t0) / 1e9);
        m.put("timing/update", (t2 - t1) / 1e9);
        return List.of(new StepResult(step, m, rollouts.samples(), rollouts.advantages().advantages()));
    }

    /** The collected groups as one batch, groups numbered in order. */
    private static Rollouts rollouts(List<GroupRollout> generated) {
        List<Rollouts> parts = new ArrayList<>(generated.size());
        for (GroupRollout g : generated) {
            parts.add(Rollouts.generated(List.of(g.prompt().prompt()), g.completions(), g.texts())
                    .withRewards(g.rewards()));
        }
        return Rollouts.concat(parts);
    }

    private AdvantageResult advantages(RewardResult scores, int[] groups) {
        return options.advantage().aggregation() == MultiObjectiveAggregation.NORMALIZE_THEN_SUM
                ? Advantages.normalizeThenSum(scores.perFunction(), scores.weights(), groups, options.advantage())
                : Advantages.compute(scores.total(), groups, options.advantage());
    }

    /**
     * Gives every parameter a gradient buffer of its own. PyTorch creates a leaf's {@code .grad} at its first
     * backward pass; the driver never runs one (the executors do), so one backward of Σ 0·θ makes the
     * buffers that {@link #setGradients} writes the summed gradients into.
     */
    private void defineGradients(Map<String, NDArray> params) {
        try (NDManager scope = state.manager().newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray total = null;
            for (NDArray p : params.values()) {
                NDArray zero = p.sum().mul(0f);
                zero.attach(scope);
                total = total == null ? zero : total.add(zero);
                total.attach(scope);
            }
            collector.backward(total);
        }
    }

    private static void setGradients(Map<String, NDArray> params, GradientSum sum) {
        params.forEach((name, p) -> {
            float[] g = sum.gradients().get(name);
            try (NDArray grad = p.getGradient(); NDArray src = grad.getManager().create(g, grad.getShape())) {
                grad.set(ALL, src);
            }
        });
    }

    @Override
    public TrainerState state() {
        return state;
    }

    /** {@return null: the reference lives on the executors} */
    @Override
    public Policy reference() {
        return null;
    }

    @Override
    public void close() {
        shards.close();
        state.close();
    }
}
