package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import java.util.ServiceLoader;

/**
 * A cluster engine that can run a {@link TrainingRun}'s steps ({@code grpo4j train --spark MASTER}), found with
 * {@link ServiceLoader} so that the core has no compile-time dependency on it: the {@code grpo4j-spark}
 * module provides one named {@code spark}.
 */
public interface DistributedBackend {

    /** {@return the engine's name, e.g. {@code spark}} */
    String name();

    /**
     * {@return the factory of step runners that run on the cluster at {@code master}}
     *
     * @param master where the cluster is, in the engine's terms (Spark: {@code local[2]},
     *               {@code spark://host:7077})
     */
    StepRunner.Factory runners(String master);

    /**
     * {@return the backend named {@code name} on the classpath}
     *
     * @param name the engine's name
     * @throws Grpo4jException with a one-line explanation when it is not on the classpath
     */
    static DistributedBackend find(String name) {
        for (DistributedBackend b : ServiceLoader.load(DistributedBackend.class)) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new Grpo4jException("--" + name + " needs the grpo4j-" + name + " module on the classpath: build it with "
                + "./mvnw -B verify (it builds grpo4j-" + name + "/), then run ./grpo4j, which adds it when it is built");
    }
}
