package io.github.grpo4j.internal.reward;

/**
 * NaN-skipping statistics, as TRL computes its reward metrics ({@code nanmean}, {@code nanstd}).
 *
 * <p>{@link #nanstd} is the <em>sample</em> standard deviation (Bessel's correction, divisor n − 1), as
 * TRL's {@code nanstd} ({@code variance *= count / (count - 1)}). Like TRL it is NaN for fewer than two
 * values; {@link #nanmean} is NaN for no values.
 */
public final class RewardStats {
    private RewardStats() {}

    /** Mean of the non-NaN values; NaN when there are none. */
    public static double nanmean(double[] xs) {
        double sum = 0;
        int n = 0;
        for (double x : xs) {
            if (!Double.isNaN(x)) {
                sum += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Sample standard deviation (divisor n − 1) of the non-NaN values; NaN when fewer than two. */
    public static double nanstd(double[] xs) {
        double mean = nanmean(xs);
        double ss = 0;
        int n = 0;
        for (double x : xs) {
            if (!Double.isNaN(x)) {
                double d = x - mean;
                ss += d * d;
                n++;
            }
        }
        return n < 2 ? Double.NaN : Math.sqrt(ss / (n - 1));
    }

    /** Number of non-NaN values. */
    public static int count(double[] xs) {
        int n = 0;
        for (double x : xs) {
            if (!Double.isNaN(x)) {
                n++;
            }
        }
        return n;
    }
}
