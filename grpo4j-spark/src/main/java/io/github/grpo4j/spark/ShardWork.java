package io.github.grpo4j.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.internal.algo.BatchTotals;
import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.internal.tensor.GradMode;
import io.github.grpo4j.internal.train.Gradients;
import io.github.grpo4j.internal.train.LossGradients;
import io.github.grpo4j.internal.train.MicroBatch;
import io.github.grpo4j.internal.train.Rollouts;
import io.github.grpo4j.internal.train.Seeds;
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
        boolean first = plan.iteration() == 0;
        LossGradients.Sums sums;
        List<MicroBatch> batches = new ArrayList<>();
        try (NDManager scope = NDManager.newBaseManager()) {
            for (GroupRollout gr : groups) {
                boolean[] inLoss = Arrays.copyOfRange(plan.inLoss(), gr.group() * g, gr.group() * g + g);
                for (int[] rows : microBatches(m, g, inLoss)) {
                    batches.add(microBatch(scope, gr, rows, plan, g, m.options.maskTruncatedCompletions()));
                }
            }
            // the same micro-batch loop as one machine's step (the shared core helper)
            sums = LossGradients.accumulate(m.policy, scope, batches, m.options.loss(), totals, temperature(m),
                    first, false);
        }
        LinkedHashMap<String, float[]> grads = new LinkedHashMap<>();
        if (!batches.isEmpty()) {
            params.forEach((name, p) -> {
                try (NDArray grad = p.getGradient()) {
                    grads.put(name, grad.toFloatArray());
                }
            });
            Gradients.release(params); // sent: their memory is free until the next backward
        }
        return new GradientSum(grads, sums.loss(), sums.kl(), sums.clipLow(), sums.clipHigh(), sums.clipRegion(),
                sums.ratio(), sums.entropy());
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

    /**
     * The micro-batch of {@code rows} of a group, with the whole batch's advantages and the group's fixed
     * log-probs: the reference's, and π_old's after the first update (in the first, π_old is these weights).
     */
    private static MicroBatch microBatch(NDManager scope, GroupRollout gr, int[] rows, StepPlan plan, int g,
            boolean maskTruncated) {
        List<int[]> prompts = new ArrayList<>(rows.length);
        List<int[]> completions = new ArrayList<>(rows.length);
        float[] adv = new float[rows.length];
        float[] weights = new float[rows.length];
        List<boolean[]> sampled = new ArrayList<>(rows.length);
        int longest = 1; // the scores' width: the longest completion, at least one column (as the policy lays out)
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            prompts.add(gr.prompt().ids());
            completions.add(gr.tokens()[r]);
            adv[i] = (float) plan.advantages()[gr.group() * g + r];
            weights[i] = maskTruncated && gr.truncated()[r] ? 0f : 1f;
            sampled.add(null);
            longest = Math.max(longest, gr.tokens()[r].length);
        }
        Shape bt = new Shape(rows.length, longest);
        NDArray ref = gr.refLogProbs() == null ? null : padded(scope, gr.refLogProbs(), rows, bt);
        NDArray old = plan.iteration() == 0 ? null : padded(scope, gr.oldLogProbs(), rows, bt);
        return new MicroBatch(rows, prompts, completions, adv, weights, sampled, ref, old);
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
