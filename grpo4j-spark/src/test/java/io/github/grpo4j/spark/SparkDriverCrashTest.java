package io.github.grpo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.train.RunFactory;
import io.github.grpo4j.internal.train.StepRunner;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver dies after a checkpoint (its run aborts as step 3 begins, the step 2 checkpoint on disk); a new
 * driver resumes the run from that checkpoint on fresh executors' models, and the whole run equals the plain
 * single-machine run that was never interrupted.
 */
class SparkDriverCrashTest {

    /** What the driver's crash looks like to the run: an exception out of the step. */
    static final class DriverCrash extends RuntimeException {
        DriverCrash() {
            super("driver crashed");
        }
    }

    @Test
    void aResumedSparkRunEqualsTheUninterruptedRun(@TempDir Path dir) throws IOException {
        SparkEquivalenceTest.run(SparkEquivalenceTest.config(dir.resolve("one"), "training.max_steps=3"))
                .stepRunner(RunFactory::localRunner).run(false);
        GrpoConfig crashing = SparkEquivalenceTest.config(dir.resolve("spark"), "training.max_steps=3",
                "checkpoint.save_steps=1");
        try (JavaSparkContext sc = SparkEquivalenceTest.localContext(2)) {
            StepRunner.Factory spark = DistributedStepRunner.factory((yaml, ref) -> new SparkShards(sc, false, yaml, ref));
            assertThatThrownBy(() -> SparkEquivalenceTest.run(crashing).stepRunner(ObservedRunner.observed(spark,
                    (step, policy) -> {
                        if (step == 3) {
                            throw new DriverCrash();
                        }
                    }, (step, policy) -> { })).run(false)).isInstanceOf(DriverCrash.class);
            assertThat(dir.resolve("spark/checkpoint-2")).as("the checkpoint the driver died after").isDirectory();
            assertThat(dir.resolve("spark/final")).as("the crashed run did not finish").doesNotExist();
            // the executors' models of the first driver are dropped, as a new application's executors start bare
            ExecutorModel.forgetAll();
            SparkEquivalenceTest.run(crashing).stepRunner(spark).run(true);
        }
        SparkEquivalenceTest.assertSameRun(dir.resolve("one"), dir.resolve("spark"), 3);
    }
}
