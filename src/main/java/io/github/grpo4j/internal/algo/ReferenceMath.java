package io.github.grpo4j.internal.algo;

import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.StdKind;
/**
 * The GRPO math of docs/algorithm.md §2–§5 in plain {@code double}s with hand loops: the readable, independent
 * twin of {@link Advantages} and {@link GrpoLoss}. The {@code explain} command prints these numbers and
 * the tests check the tensor code against them. Nothing here is on a hot path.
 *
 * <p>Conventions as in the tensor code: per token Δ = clamp(log π_ref − log π_θ, −20, 20); ratios are
 * exp of log-prob differences; masks are 0/1 per token, and a row without tokens contributes 0.
 */
public final class ReferenceMath {
    /** Δ and log-ratios are clamped to [−LOG_CLAMP, LOG_CLAMP] before exp, as verl does. */
    public static final double LOG_CLAMP = 20.0;

    private ReferenceMath() {}

    // ---------------------------------------------------------------- statistics

    /** Arithmetic mean. */
    public static double mean(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s / values.length;
    }

    /** Population (÷ n) or sample (÷ (n − 1)) standard deviation; 0 for fewer than two sample values. */
    public static double std(double[] values, StdKind kind) {
        int n = values.length;
        int dof = kind == StdKind.SAMPLE ? n - 1 : n;
        if (dof <= 0) {
            return 0.0;
        }
        double m = mean(values);
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / dof);
    }

    // ---------------------------------------------------------------- §3 ratios

    /** Token-level importance ratio ρ = exp(log π_θ − log π_old). */
    public static double tokenRatio(double logp, double oldLogp) {
        return Math.exp(logp - oldLogp);
    }

    /**
     * Importance ratios of a [B][T] batch: per token, or (GSPO) per sequence
     * s_i = exp(Σ_t m (log π_θ − log π_old) / max(Σ_t m, 1)) repeated on every token of the row.
     * Masked-out tokens get ratio 1 (they are never counted).
     */
    public static double[][] ratios(
            double[][] logp, double[][] oldLogp, double[][] mask, ImportanceSamplingLevel level) {
        int b = logp.length;
        double[][] out = new double[b][];
        for (int i = 0; i < b; i++) {
            int t = logp[i].length;
            out[i] = new double[t];
            if (level == ImportanceSamplingLevel.TOKEN) {
                for (int j = 0; j < t; j++) {
                    out[i][j] = mask[i][j] > 0 ? tokenRatio(logp[i][j], oldLogp[i][j]) : 1.0;
                }
            } else {
                double sum = 0;
                double n = 0;
                for (int j = 0; j < t; j++) {
                    if (mask[i][j] > 0) {
                        sum += mask[i][j] * (logp[i][j] - oldLogp[i][j]);
                        n += mask[i][j];
                    }
                }
                double s = Math.exp(sum / Math.max(n, 1.0));
                for (int j = 0; j < t; j++) {
                    out[i][j] = mask[i][j] > 0 ? s : 1.0;
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- §4 clipping

    /** clip(ρ, 1 − ε_low, 1 + ε_high). */
    public static double clip(double ratio, double epsLow, double epsHigh) {
        return Math.max(1 - epsLow, Math.min(ratio, 1 + epsHigh));
    }

    /**
     * Clipped surrogate L = min(ρA, clip(ρ)A); with dual clip c &gt; 0 and A &lt; 0, L = max(L, c·A).
     */
    public static double surrogate(double ratio, double adv, double epsLow, double epsHigh, double dualClip) {
        double l = Math.min(ratio * adv, clip(ratio, epsLow, epsHigh) * adv);
        if (dualClip > 0 && adv < 0) {
            l = Math.max(l, dualClip * adv);
        }
        return l;
    }

    /** Counted by {@code clip_ratio/low_mean}: ρ &lt; 1 − ε_low with A &lt; 0. */
    public static boolean clippedLow(double ratio, double adv, double epsLow) {
        return ratio < 1 - epsLow && adv < 0;
    }

    /** Counted by {@code clip_ratio/high_mean}: ρ &gt; 1 + ε_high with A &gt; 0. */
    public static boolean clippedHigh(double ratio, double adv, double epsHigh) {
        return ratio > 1 + epsHigh && adv > 0;
    }

    // ---------------------------------------------------------------- §5 KL and loss

    /** Δ = clamp(log π_ref − log π_θ, −20, 20). */
    public static double delta(double logp, double refLogp) {
        return Math.max(-LOG_CLAMP, Math.min(refLogp - logp, LOG_CLAMP));
    }

    /** k1 = −Δ. */
    public static double k1(double delta) {
        return -delta;
    }

    /** k2 = Δ²/2. */
    public static double k2(double delta) {
        return delta * delta / 2;
    }

    /**
     * k3 = exp(Δ) − Δ − 1 (DeepSeekMath), computed as expm1(Δ) − Δ, which cannot round below 0 (expm1 is
     * faithfully rounded and its exact value exceeds Δ) and is exactly 0 only at Δ = 0 (or |Δ| below about 2e-16, where Δ²/2 underflows Δ's precision).
     */
    public static double k3(double delta) {
        return Math.expm1(delta) - delta;
    }

    /** Per-token KL estimate of the chosen kind from the sampled token's log-probs. */
    public static double kl(KlEstimator estimator, double logp, double refLogp) {
        double d = delta(logp, refLogp);
        return switch (estimator) {
            case K1 -> k1(d);
            case K2 -> k2(d);
            case K3 -> k3(d);
        };
    }

    /** Exact KL(p ‖ q) = Σ p log(p/q) of two categorical distributions (for comparison in explain). */
    public static double exactKl(double[] p, double[] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                s += p[i] * Math.log(p[i] / q[i]);
            }
        }
        return s;
    }

    /** Per-token loss ℓ = −(L − β·KL). */
    public static double tokenLoss(double surrogate, double kl, double beta) {
        return -(surrogate - beta * kl);
    }

    /**
     * Aggregates per-token losses of a micro-batch into its share of the whole batch's loss (§5 table);
     * rows without tokens contribute 0.
     */
    public static double aggregate(double[][] tokenLoss, double[][] mask, LossType type, BatchTotals totals) {
        double total = 0;
        for (int i = 0; i < tokenLoss.length; i++) {
            double rowSum = 0;
            double rowTokens = 0;
            for (int j = 0; j < tokenLoss[i].length; j++) {
                if (mask[i][j] > 0) {
                    rowSum += tokenLoss[i][j] * mask[i][j];
                    rowTokens += mask[i][j];
                }
            }
            total += type == LossType.GRPO ? rowSum / Math.max(rowTokens, 1.0) : rowSum;
        }
        return switch (type) {
            case GRPO -> total / totals.sequences();
            case BNPO, DAPO, CISPO -> total / Math.max(totals.tokens(), 1.0);
            case DR_GRPO -> total / ((double) totals.sequences() * totals.maxCompletionLength());
        };
    }

    /** The loss of a micro-batch and the metric sums, as {@link LossTerms} but in doubles. */
    public record LossValues(
            double loss, double klSum, double clipLowSum, double clipHighSum, double clipRegionSum, double tokens) {}

    /**
     * Loss of a [B][T] micro-batch: ratios, clipped surrogate, KL (when {@code refLogp} is not null),
     * per-token loss and aggregation, with the same metric sums as {@link GrpoLoss#compute}. For
     * {@link LossType#CISPO} the objective term is min(ρ, ε_max)·A·log π (its value; the weight carries
     * no gradient) and the high clip count is ρ &gt; ε_max with A &gt; 0.
     */
    public static LossValues loss(
            double[][] logp,
            double[][] oldLogp,
            double[][] refLogp,
            double[] advantages,
            double[][] mask,
            LossOptions o,
            BatchTotals totals) {
        if (refLogp == null && o.beta() != 0) {
            throw new IllegalArgumentException("beta is " + o.beta() + " but no reference log-probs were given");
        }
        double[][] rho = ratios(logp, oldLogp, mask, o.level());
        double[][] ell = new double[logp.length][];
        double klSum = 0;
        double low = 0;
        double high = 0;
        double region = 0;
        double tokens = 0;
        for (int i = 0; i < logp.length; i++) {
            ell[i] = new double[logp[i].length];
            double a = advantages[i];
            for (int j = 0; j < logp[i].length; j++) {
                if (!(mask[i][j] > 0)) {
                    continue;
                }
                double m = mask[i][j];
                double kl = refLogp == null ? 0.0 : kl(o.kl(), logp[i][j], refLogp[i][j]);
                boolean cispo = o.lossType() == LossType.CISPO;
                double l = cispo
                        ? Math.min(rho[i][j], o.epsilonHigh()) * a * logp[i][j]
                        : surrogate(rho[i][j], a, o.epsilonLow(), o.epsilonHigh(), o.dualClip());
                ell[i][j] = tokenLoss(l, kl, o.beta());
                boolean lo = !cispo && clippedLow(rho[i][j], a, o.epsilonLow());
                boolean hi = cispo ? rho[i][j] > o.epsilonHigh() && a > 0 : clippedHigh(rho[i][j], a, o.epsilonHigh());
                klSum += m * kl;
                low += lo ? m : 0;
                high += hi ? m : 0;
                region += lo || hi ? m : 0;
                tokens += m;
            }
        }
        return new LossValues(aggregate(ell, mask, o.lossType(), totals), klSum, low, high, region, tokens);
    }
}
