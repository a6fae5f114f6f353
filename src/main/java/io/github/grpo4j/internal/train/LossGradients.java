package io.github.grpo4j.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.internal.algo.BatchTotals;
import io.github.grpo4j.internal.algo.GrpoLoss;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.algo.LossTerms;
import io.github.grpo4j.policy.Policy;
import java.util.List;

/**
 * The gradient of a mini-batch's GRPO loss, accumulated micro-batch by micro-batch (docs/algorithm.md §3–§5):
 * each micro-batch is scored by the policy, its share of the loss (normalised by the whole mini-batch's counts,
 * so the split changes nothing) is computed and back-propagated into the policy's parameter gradients.
 * {@link GrpoStepTrainer} runs it over a step's rows; the {@code grpo4j-spark} executors run it over their
 * share of the prompt groups and send the gradients back.
 */
public final class LossGradients {
    private LossGradients() {}

    /**
     * {@link LossTerms}' sums added over a pass's micro-batches, behind the step metrics.
     *
     * @param loss       the mini-batch loss
     * @param kl         Σ {@link LossTerms#klSum}
     * @param clipLow    Σ {@link LossTerms#clipLowSum}
     * @param clipHigh   Σ {@link LossTerms#clipHighSum}
     * @param clipRegion Σ {@link LossTerms#clipRegionSum}
     * @param ratio      Σ {@link LossTerms#ratioSum}
     * @param entropy    Σ over loss tokens of the policy's entropy, or 0 when not asked for
     */
    public record Sums(double loss, double kl, double clipLow, double clipHigh, double clipRegion, double ratio,
            double entropy) {}

    /**
     * Zeroes the policy's gradients, then adds those of every micro-batch's share of the loss. π_old is each
     * micro-batch's {@link MicroBatch#oldLogProbs}, or where that is null these weights themselves (the scores
     * detached: the ratio is exactly 1 in value, its gradient ∇log π_θ).
     *
     * @param policy      the policy being trained
     * @param scope       owns what outlives a micro-batch (π_old kept with {@code keepOld})
     * @param batches     the mini-batch's micro-batches, with their reference log-probs where there is a reference
     * @param loss        the loss settings
     * @param totals      the whole mini-batch's counts every share is normalised by
     * @param temperature the temperature the scores are computed at
     * @param entropy     whether to sum the entropies (the first pass of a step: at π_old)
     * @param keepOld     whether π_old taken from these weights is kept: {@code batches} (a mutable list) then
     *                    gets micro-batches that hold it, for the later passes
     * @return the sums
     */
    public static Sums accumulate(Policy policy, NDManager scope, List<MicroBatch> batches, LossOptions loss,
            BatchTotals totals, double temperature, boolean entropy, boolean keepOld) {
        return accumulate(policy, scope, batches, loss, totals, temperature, entropy, keepOld, null);
    }

    /** As {@link #accumulate(Policy, NDManager, List, LossOptions, BatchTotals, double, boolean, boolean)}; with
     * {@code entropy} the entropies are also added to {@code byPosition} when it is not null. */
    static Sums accumulate(Policy policy, NDManager scope, List<MicroBatch> batches, LossOptions loss,
            BatchTotals totals, double temperature, boolean entropy, boolean keepOld, EntropyByPosition byPosition) {
        Gradients.zero(policy.parameters());
        boolean entropyGradient = loss.entropyCoeff() != 0;
        double lossSum = 0, kl = 0, clipLow = 0, clipHigh = 0, clipRegion = 0, ratio = 0, entropySum = 0;
        for (int m = 0; m < batches.size(); m++) {
            MicroBatch mb = batches.get(m);
            try (NDManager mbScope = scope.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                UpdateScores s = UpdateScores.of(policy, mbScope, mb.prompts(), mb.completions(), temperature,
                        entropyGradient);
                NDArray logp = s.logProbs(); // [b, T]
                NDArray mask = mb.mask(mbScope, logp.getShape()); // [b, T]
                NDArray old = mb.oldLogProbs();
                if (old == null) {
                    // π_old is the policy as it is now, before any update: ratio exactly 1 in value.
                    old = logp.stopGradient();
                    if (keepOld) {
                        NDArray kept = old.duplicate();
                        kept.attach(scope);
                        batches.set(m, mb.withOldLogProbs(kept));
                    }
                }
                if (entropy) {
                    entropySum += s.entropy().stopGradient().mul(mask).sum().getFloat();
                    if (byPosition != null) {
                        byPosition.add(s.entropy(), mask);
                    }
                }
                LossTerms terms = GrpoLoss.compute(logp, old, mb.refLogProbs(), mbScope.create(mb.advantages()),
                        mask, loss, totals, s.entropy());
                s.backward(collector, terms.loss());
                lossSum += terms.loss().getFloat();
                kl += terms.klSum();
                clipLow += terms.clipLowSum();
                clipHigh += terms.clipHighSum();
                clipRegion += terms.clipRegionSum();
                ratio += terms.ratioSum();
            }
        }
        return new Sums(lossSum, kl, clipLow, clipHigh, clipRegion, ratio, entropySum);
    }
}
