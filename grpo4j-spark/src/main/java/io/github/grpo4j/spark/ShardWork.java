package io.github.grpo4j.spark;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.internal.algo.BatchTotals;
import io.github.grpo4j.internal.algo.GrpoLoss;
import io.github.grpo4j.internal.algo.LossTerms;
import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.internal.tensor.GradMode;
import io.github.grpo4j.internal.train.Gradients;
import io.github.grpo4j.internal.train.MicroBatch;
import io.github.grpo4j.internal.train.Rollouts;
import io.github.grpo4j.internal.train.Seeds;
import io.github.grpo4j.internal.train.UpdateScores;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The work of one partition of prompt groups (a Spark task), the same wherever it runs. Everything is computed per group, so the partitioning changes no
 * number: a group's completions come from its own random stream ({@link #groupSeed}), its micro-batches are
 * cut from its own rows, and only the sums over groups depend on how groups are spread (float summation
 * order).
 */
final class ShardWork {
    private ShardWork() {}

    /** The sampling seed of group {@code group} of step {@code step}: independent of which machine draws it. */
    static long groupSeed(long runSeed, int step, int group) {
        return Seeds.group(Seeds.of(runSeed, step, Seeds.GENERATION), group); // as rollout_seeding: group on one machine
    }

    /**
     * First pass: G completions per group, their rewards, and the log-probs that stay fixed during the step
     * (the reference's; with μ &gt; 1 the current policy's, π_old).
     */
    static List<GroupRollout> generate(ExecutorModel m, int step, List<GroupPrompt> groups) {
        int g = m.options.numGenerations();
        List<GroupRollout> out = new ArrayList<>(groups.size());
        for (GroupPrompt gp : groups) {
            Completions c = m.policy.generate(List.of(gp.ids()), g, m.options.sampling(),
                    groupSeed(m.options.seed(), step, gp.group()));
            ArrayList<String> texts = new ArrayList<>(c.size());
            for (int[] t : c.tokens()) {
                texts.add(m.policy.decode(t));
            }
            Rollouts r = Rollouts.generated(List.of(gp.prompt()), c, texts);
            RewardResult scores = m.rewards.score(r.rewardInputs());
            float[][] ref = m.reference == null ? null : logProbs(m, m.reference, gp, c);
            float[][] old = m.options.numIterations() > 1 ? logProbs(m, m.policy, gp, c) : null;
            out.add(new GroupRollout(gp, c.tokens(), c.logProbs(), c.truncated(), texts,
                    new ArrayList<>(scores.names()), scores.weights(), scores.perFunction(), scores.total(),
                    scores.nonFinite(), scores.errors(), ref, old));
        }
        return out;
    }

    /** Log-probs of the group's completions under {@code scorer}, in the update's micro-batches, no graph. */
    private static float[][] logProbs(ExecutorModel m, Policy scorer, GroupPrompt gp, Completions c) {
        float[][] out = new float[c.size()][];
        try (GradMode off = GradMode.off(); NDManager scope = NDManager.newBaseManager()) {
            for (int[] rows : microBatches(m, c.size(), null)) {
                List<int[]> prompts = new ArrayList<>();
                List<int[]> completions = new ArrayList<>();
                for (int r : rows) {
                    prompts.add(gp.ids());
                    completions.add(c.tokens()[r]);
                }
                try (NDManager mb = scope.newSubManager()) {
                    Policy.TokenScores s = scorer.score(mb, prompts, completions, temperature(m));
                    float[] flat = s.logProbs().toFloatArray();
                    int t = (int) s.logProbs().getShape().get(1);
                    for (int i = 0; i < rows.length; i++) {
                        out[rows[i]] = Arrays.copyOfRange(flat, i * t, i * t + c.tokens()[rows[i]].length);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Second pass, once per optimizer update: the gradient of these groups' share of the whole batch's loss
     * at the current weights, and the sums behind the metrics.
     */
    static GradientSum gradients(ExecutorModel m, List<GroupRollout> groups, StepPlan plan) {
        // DJL allows one gradient collector at a time per JVM: two tasks of one executor take turns
        synchronized (ShardWork.class) {
            return gradientsAlone(m, groups, plan);
        }
    }

    private static GradientSum gradientsAlone(ExecutorModel m, List<GroupRollout> groups, StepPlan plan) {
        Map<String, NDArray> params = m.policy.parameters();
        int g = m.options.numGenerations();
        BatchTotals totals = new BatchTotals(plan.sequences(), plan.tokens(), m.options.sampling().maxNewTokens());
        boolean entropyGradient = m.options.loss().entropyCoeff() != 0;
        boolean first = plan.iteration() == 0;
        Gradients.zero(params);
        double loss = 0, kl = 0, clipLow = 0, clipHigh = 0, clipRegion = 0, ratio = 0, entropy = 0;
        boolean any = false;
        try (NDManager scope = NDManager.newBaseManager()) {
            for (GroupRollout gr : groups) {
                boolean[] inLoss = Arrays.copyOfRange(plan.inLoss(), gr.group() * g, gr.group() * g + g);
                for (int[] rows : microBatches(m, g, inLoss)) {
                    any = true;
                    MicroBatch mb = microBatch(gr, rows, plan, g, m.options.maskTruncatedCompletions());
                    try (NDManager mbScope = scope.newSubManager();
                            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        UpdateScores s = UpdateScores.of(m.policy, mbScope, mb.prompts(), mb.completions(),
                                temperature(m), entropyGradient);
                        NDArray logp = s.logProbs();
                        Shape bt = logp.getShape();
                        NDArray mask = mb.mask(mbScope, bt);
                        // π_old: the weights of this first update themselves (ratio exactly 1), then the
                        // log-probs recorded with them in the first pass
                        NDArray old = first ? logp.stopGradient() : padded(mbScope, gr.oldLogProbs(), rows, bt);
                        NDArray ref = gr.refLogProbs() == null ? null : padded(mbScope, gr.refLogProbs(), rows, bt);
                        if (first) {
                            entropy += s.entropy().stopGradient().mul(mask).sum().getFloat();
                        }
                        LossTerms terms = GrpoLoss.compute(logp, old, ref, mbScope.create(mb.advantages()), mask,
                                m.options.loss(), totals, s.entropy());
                        s.backward(collector, terms.loss());
                        loss += terms.loss().getFloat();
                        kl += terms.klSum();
                        clipLow += terms.clipLowSum();
                        clipHigh += terms.clipHighSum();
                        clipRegion += terms.clipRegionSum();
                        ratio += terms.ratioSum();
                    }
                }
            }
        }
        LinkedHashMap<String, float[]> grads = new LinkedHashMap<>();
        if (any) {
            params.forEach((name, p) -> {
                try (NDArray grad = p.getGradient()) {
                    grads.put(name, grad.toFloatArray());
                }
            });
        }
        return new GradientSum(grads, loss, kl, clipLow, clipHigh, clipRegion, ratio, entropy);
    }

    /**
     * The micro-batches of one group's rows: those in the loss ({@code inLoss}, null for all) in chunks of
     * {@code micro_batch_size}, as row indices within the group.
     */
    private static List<int[]> microBatches(ExecutorModel m, int rows, boolean[] inLoss) {
        int[] kept = java.util.stream.IntStream.range(0, rows).filter(r -> inLoss == null || inLoss[r]).toArray();
        int size = Math.max(1, m.options.microBatchSize());
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < kept.length; start += size) {
            out.add(Arrays.copyOfRange(kept, start, Math.min(kept.length, start + size)));
        }
        return out;
    }

    /** The micro-batch of {@code rows} of a group, with the whole batch's advantages. */
    private static MicroBatch microBatch(GroupRollout gr, int[] rows, StepPlan plan, int g, boolean maskTruncated) {
        List<int[]> prompts = new ArrayList<>(rows.length);
        List<int[]> completions = new ArrayList<>(rows.length);
        float[] adv = new float[rows.length];
        float[] weights = new float[rows.length];
        List<boolean[]> sampled = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            prompts.add(gr.prompt().ids());
            completions.add(gr.tokens()[r]);
            adv[i] = (float) plan.advantages()[gr.group() * g + r];
            weights[i] = maskTruncated && gr.truncated()[r] ? 0f : 1f;
            sampled.add(null);
        }
        return new MicroBatch(rows, prompts, completions, adv, weights, sampled, null, null);
    }

    /** Per-row log-probs as a {@code [b, T]} array, zero past each row's end. */
    private static NDArray padded(NDManager scope, float[][] perRow, int[] rows, Shape bt) {
        int t = (int) bt.get(1);
        float[] flat = new float[rows.length * t];
        for (int i = 0; i < rows.length; i++) {
            float[] v = perRow[rows[i]];
            System.arraycopy(v, 0, flat, i * t, Math.min(t, v.length));
        }
        return scope.create(flat, bt);
    }

    /** The temperature the scores are computed at: the sampling temperature (1 for greedy decoding). */
    static double temperature(ExecutorModel m) {
        return m.options.sampling().greedy() ? 1.0 : m.options.sampling().temperature();
    }
}
