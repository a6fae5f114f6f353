package io.github.grpo4j.spark;

import io.github.grpo4j.internal.train.DistributedBackend;
import io.github.grpo4j.internal.train.StepRunner;

/** {@code grpo4j train --spark MASTER}: found by the core CLI through {@link java.util.ServiceLoader}. */
public final class SparkBackend implements DistributedBackend {

    /** Used by {@link java.util.ServiceLoader}. */
    public SparkBackend() {}

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public StepRunner.Factory runners(String master) {
        return SparkGrpo.runners(master);
    }
}
