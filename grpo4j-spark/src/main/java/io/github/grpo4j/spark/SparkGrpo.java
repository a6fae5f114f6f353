package io.github.grpo4j.spark;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.TrainResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.train.StepRunner;
import io.github.grpo4j.internal.train.TrainingRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Data-parallel GRPO on Apache Spark: the Java entry point and the main class for {@code spark-submit}.
 *
 * <pre>{@code
 * // from Java, on a context you own
 * TrainResult r = SparkGrpo.train(config, sparkContext, false);
 * }</pre>
 *
 * <pre>
 * spark-submit --class io.github.grpo4j.spark.SparkGrpo --master spark://host:7077 APP.jar \
 *     --config run.yaml [--resume] [--set key=value ...]
 * </pre>
 *
 * The driver keeps the trainable weights and AdamW and writes the run directory (metrics, checkpoints,
 * {@code final/}); the executors build the model, reference and reward functions from the same config, so
 * the paths it names must be readable on every machine (docs/distributed.md).
 */
public final class SparkGrpo {
    private SparkGrpo() {}

    /**
     * Trains {@code config} with each step's prompt groups spread over {@code sc}'s executors.
     *
     * @param config the run's configuration (rewards and model as the config describes them), with
     *               {@code training.rollout_seeding: group}
     * @param sc     the Spark context; left running
     * @param resume continue from the newest checkpoint of the output directory
     * @return the run's result
     */
    public static TrainResult train(GrpoConfig config, JavaSparkContext sc, boolean resume) {
        return new TrainingRun(config, System.out)
                .stepRunner(DistributedStepRunner.factory((yaml, ref) -> new SparkShards(sc, false, yaml, ref)))
                .run(resume);
    }

    /** The runners of {@code grpo4j train --spark MASTER}: a context of their own, stopped at the run's end. */
    static StepRunner.Factory runners(String master) {
        return DistributedStepRunner.factory((yaml, ref) -> new SparkShards(context(master), true, yaml, ref));
    }

    /** A context on {@code master} (null: the master spark-submit set). */
    static JavaSparkContext context(String master) {
        quietLogs();
        SparkConf conf = new SparkConf().setAppName("grpo4j");
        if (master != null) {
            conf.setMaster(master);
        }
        if (!conf.contains("spark.master")) {
            throw new Grpo4jException("no Spark master: give --spark local[2] or spark://host:7077, or run under spark-submit --master");
        }
        return new JavaSparkContext(conf);
    }

    /** Spark's INFO lines would drown the step lines; warnings stay (set the property to change it). */
    private static void quietLogs() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    /**
     * {@code spark-submit} entry: {@code --config FILE [--resume] [--set key=value ...]}; the master comes from
     * spark-submit.
     *
     * @param args the arguments after the application jar
     */
    public static void main(String[] args) {
        Path config = null;
        boolean resume = false;
        List<String> overrides = new ArrayList<>(List.of("training.rollout_seeding=group")); // as --spark
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config", "-c" -> config = Path.of(value(args, ++i));
                case "--resume" -> resume = true;
                case "--set" -> overrides.add(value(args, ++i));
                default -> fail("unknown argument " + args[i] + "; usage: --config FILE [--resume] [--set key=value ...]");
            }
        }
        if (config == null) {
            fail("--config FILE is required");
        }
        try {
            GrpoConfig c = ConfigLoader.load(config, overrides);
            try (JavaSparkContext sc = context(null)) {
                train(c, sc, resume);
            }
        } catch (Grpo4jException e) {
            fail(e.getMessage());
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            fail(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("grpo4j: " + message);
        System.exit(2);
    }
}
