package io.github.grpo4j.internal.algo;

import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.config.ConfigValidator;
import java.util.Objects;

/**
 * Options of the clipped-surrogate loss with KL penalty (docs/algorithm.md §3–§5).
 *
 * @param epsilonLow ε_low: ratios below 1 − ε_low are clipped ({@code epsilon}, default 0.2)
 * @param epsilonHigh ε_high: ratios above 1 + ε_high are clipped ({@code epsilon_high}; DAPO's
 *     clip-higher uses 0.28)
 * @param dualClip c of verl's dual clip: for A &lt; 0 the surrogate is bounded below by c·A, so a huge
 *     ratio cannot make one token's loss unbounded. 0 turns it off; otherwise c must be &gt; 1 (verl
 *     uses 3), as c·A with A &lt; 0 is the (negative) floor of L
 * @param level token-level ratios (PPO, DeepSeekMath) or sequence-level ones (GSPO)
 * @param beta β, weight of the KL penalty (default 0.04, DeepSeekMath); 0 means no reference model
 * @param kl the per-token KL estimator (default k3)
 * @param lossType how per-token losses are aggregated (default grpo)
 * @param entropyCoeff weight of the entropy bonus: −coeff·H is added to every token's loss, aggregated like
 *     the rest (verl {@code entropy_coeff}); 0 turns it off
 * @param topEntropyQuantile q of TRL's {@code top_entropy_quantile}: the policy term counts only on the top
 *     q share of tokens by entropy ({@link EntropyMask}); 1 keeps every token
 */
public record LossOptions(
        double epsilonLow,
        double epsilonHigh,
        double dualClip,
        ImportanceSamplingLevel level,
        double beta,
        KlEstimator kl,
        LossType lossType,
        double entropyCoeff,
        double topEntropyQuantile) {

    /** The options without entropy bonus or entropy mask. */
    public LossOptions(double epsilonLow, double epsilonHigh, double dualClip, ImportanceSamplingLevel level,
            double beta, KlEstimator kl, LossType lossType) {
        this(epsilonLow, epsilonHigh, dualClip, level, beta, kl, lossType, 0.0, 1.0);
    }

    /**
     * Rejects missing enums only: the values come from a config that {@code ConfigValidator} checked (or a
     * command whose flags it checked), the one place each rule is written.
     */
    public LossOptions {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(kl, "kl");
        Objects.requireNonNull(lossType, "lossType");
    }

    /** ε 0.2 both sides, no dual clip, token level, β 0.04, k3, grpo: DeepSeekMath. */
    public static LossOptions defaults() {
        return new LossOptions(0.2, 0.2, 0.0, ImportanceSamplingLevel.TOKEN, 0.04, KlEstimator.K3, LossType.GRPO);
    }
}
