package io.github.grpo4j.internal.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * {@code grpo4j bench --sweep}: the step on a grid of group sizes G and max-new-token counts, to show
 * how cost scales. With a KV cache each decoded token costs about the same whatever its position, so
 * generation time per new token stays flat as max-new grows; recomputing the whole prefix per token
 * would make it grow with the sequence (quadratic total).
 */
public final class Sweep {
    /** Group sizes of the grid. */
    public static final int[] GROUPS = {4, 8, 16, 32};
    /** Max-new-token counts of the grid. */
    public static final int[] MAX_NEW = {16, 32, 64, 128};
    /**
     * Largest accepted ratio of generation seconds per new token at the largest max-new over that at the
     * smallest. Without a cache (each token a forward over its whole prefix) the ratio is at least
     * (P + 128/2) / (P + 16/2) ≈ 3.3 for 16-token prompts; with one it is about 1 (below 1 while fixed
     * per-call costs such as the prefill are amortised).
     */
    public static final double LINEAR_LIMIT = 1.5;

    /** One grid point's medians. */
    public record Point(int generations, int maxNew, double stepSeconds, double generationSeconds, double flopsPerStep) {
        /** MFU of this point's median step against {@code matmulFlopsPerS}. */
        public double mfu(double matmulFlopsPerS) {
            return Flops.mfu(flopsPerStep, stepSeconds, matmulFlopsPerS);
        }
    }

    private Sweep() {}

    /** Runs every grid point with {@code base}'s other settings; {@code progress} sees each point. */
    public static List<Point> run(BenchOptions base, int threads, Consumer<Point> progress) {
        List<Point> points = new ArrayList<>();
        for (int g : GROUPS) {
            for (int n : MAX_NEW) {
                BenchReport r = BenchRunner.run(base.with(g, n), Double.NaN, threads, null);
                Point p = new Point(g, n, r.median(StepTiming::step), r.median(StepTiming::generation), r.flopsPerStep());
                points.add(p);
                if (progress != null) {
                    progress.accept(p);
                }
            }
        }
        return points;
    }

    /**
     * Generation seconds per new token at the largest max-new divided by that at the smallest, for one
     * G's points ({@code maxNew} ascending, {@code generationSeconds} matching).
     */
    public static double perTokenGrowth(int[] maxNew, double[] generationSeconds) {
        if (maxNew.length < 2 || maxNew.length != generationSeconds.length) {
            throw new IllegalArgumentException("need at least two matching points, got " + maxNew.length + " and "
                    + generationSeconds.length);
        }
        int last = maxNew.length - 1;
        return (generationSeconds[last] / maxNew[last]) / (generationSeconds[0] / maxNew[0]);
    }

    /** Whether a per-token growth ratio means linear cost in new tokens. */
    public static boolean isLinear(double perTokenGrowth) {
        return perTokenGrowth <= LINEAR_LIMIT;
    }

    /** The grid as tables (step and generation seconds, MFU) and the linearity verdict per G. */
    public static String table(List<Point> points, double matmulFlopsPerS) {
        StringBuilder sb = new StringBuilder();
        grid(sb, points, "step time (s)", Point::stepSeconds);
        grid(sb, points, "generation time (s)", Point::generationSeconds);
        grid(sb, points, "MFU (%)", p -> 100 * p.mfu(matmulFlopsPerS));
        sb.append("generation cost vs new tokens (per-token time at ").append(MAX_NEW[MAX_NEW.length - 1])
                .append(" / at ").append(MAX_NEW[0]).append(", linear if <= ").append(LINEAR_LIMIT).append("):\n");
        for (int g : GROUPS) {
            List<Point> row = points.stream().filter(p -> p.generations() == g).toList();
            if (row.size() < 2) {
                continue;
            }
            int[] n = row.stream().mapToInt(Point::maxNew).toArray();
            double[] t = row.stream().mapToDouble(Point::generationSeconds).toArray();
            double growth = perTokenGrowth(n, t);
            sb.append(String.format(Locale.ROOT, "  G %-3d %.2f  %s%n", g, growth,
                    isLinear(growth) ? "linear" : "NOT linear"));
        }
        return sb.toString();
    }

    private static void grid(StringBuilder sb, List<Point> points, String title,
            java.util.function.ToDoubleFunction<Point> f) {
        sb.append(title).append('\n');
        sb.append(String.format(Locale.ROOT, "  %-8s", "G \\ new"));
        for (int n : MAX_NEW) {
            sb.append(String.format(Locale.ROOT, "%9d", n));
        }
        sb.append('\n');
        for (int g : GROUPS) {
            sb.append(String.format(Locale.ROOT, "  %-8d", g));
            for (int n : MAX_NEW) {
                double v = points.stream().filter(p -> p.generations() == g && p.maxNew() == n)
                        .mapToDouble(f).findFirst().orElse(Double.NaN);
                sb.append(String.format(Locale.ROOT, "%9.3f", v));
            }
            sb.append('\n');
        }
        sb.append('\n');
    }
}
