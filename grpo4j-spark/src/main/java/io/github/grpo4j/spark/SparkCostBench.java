package io.github.grpo4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Measures what one distributed update costs besides the executors' compute, for the cost model of
 * docs/distributed.md: broadcasting W bytes of trainable weights to every task, and {@code treeAggregate}
 * of one W-sized gradient per partition, each as a job's time minus the same job without the weights.
 * Weights and gradients are the types a step sends ({@link Weights}, {@link GradientSum}).
 *
 * <pre>
 * java -cp "grpo4j-spark.jar:$(cat classpath.txt)" io.github.grpo4j.spark.SparkCostBench MASTER [MB ...]
 * </pre>
 */
public final class SparkCostBench {
    private SparkCostBench() {}

    private static final int REPEATS = 5;

    /**
     * Prints one line per size: median milliseconds of an empty job, of broadcasting the weights (read by
     * every partition), and of aggregating the gradients.
     *
     * @param args the master ({@code local[2]}, {@code spark://host:7077}; {@code -} for spark-submit's),
     *             then sizes of W in MB (default 1 14 35 140)
     */
    public static void main(String[] args) {
        String master = args.length > 0 && !args[0].equals("-") ? args[0] : null;
        double[] sizes = args.length > 1 ? Arrays.stream(args, 1, args.length).mapToDouble(Double::parseDouble).toArray()
                : new double[] {1, 14, 35, 140};
        try (JavaSparkContext sc = SparkGrpo.context(master)) {
            int partitions = sc.defaultParallelism();
            JavaRDD<Integer> tasks = sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions).cache();
            tasks.count();
            System.out.printf(Locale.ROOT, "master %s, %d partitions, median of %d%n", sc.master(), partitions, REPEATS);
            System.out.println("W_MB empty_job_ms broadcast_ms aggregate_ms");
            for (double mb : sizes) {
                int floats = (int) (mb * 1e6 / 4);
                Weights w = new Weights(new LinkedHashMap<>(java.util.Map.of("w", new float[floats])));
                double empty = median(() -> tasks.map(i -> i).reduce(Integer::sum));
                double broadcast = median(() -> {
                    Broadcast<Weights> b = sc.broadcast(w);
                    tasks.map(i -> b.value().size()).reduce(Long::sum);
                    b.destroy();
                }) - empty;
                double aggregate = median(() -> tasks.map(i -> {
                    LinkedHashMap<String, float[]> g = new LinkedHashMap<>();
                    g.put("w", new float[floats]);
                    return new GradientSum(g, 0, 0, 0, 0, 0, 0, 0);
                }).treeAggregate(GradientSum.empty(), GradientSum::add, GradientSum::add)) - empty;
                System.out.printf(Locale.ROOT, "%.0f %.1f %.1f %.1f%n", mb, empty, broadcast, aggregate);
            }
        }
    }

    private static double median(Runnable job) {
        job.run(); // warm-up
        List<Double> ms = new ArrayList<>();
        for (int r = 0; r < REPEATS; r++) {
            long t0 = System.nanoTime();
            job.run();
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        ms.sort(null);
        return ms.get(REPEATS / 2);
    }
}
