package io.github.grpo4j.spark;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fault injection for the executor-loss test: inert unless the executor's system property {@value #PROPERTY}
 * names a marker file. Then the first executor that reaches the second update of a step (its rollouts
 * persisted, the first update's gradients summed) creates the marker and halts its JVM at once, as a lost
 * machine would; the marker makes it happen once in the whole cluster.
 */
final class ExecutorLoss {
    private ExecutorLoss() {}

    /** The system property naming the marker file. */
    static final String PROPERTY = "grpo4j.test.loseExecutorOnce";

    /** Called at the start of each partition's update work. */
    static void maybeHalt(StepPlan plan) {
        String marker = System.getProperty(PROPERTY);
        if (marker == null || plan.iteration() != 1) {
            return;
        }
        try {
            Files.createFile(Path.of(marker));
        } catch (FileAlreadyExistsException e) {
            return;
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + marker, e);
        }
        Runtime.getRuntime().halt(137);
    }
}
