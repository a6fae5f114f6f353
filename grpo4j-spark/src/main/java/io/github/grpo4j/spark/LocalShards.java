package io.github.grpo4j.spark;

import java.util.List;

/** The single-machine twin: every group in this JVM, as one partition, through the same {@link ShardWork}. */
final class LocalShards implements Shards {
    private final String configYaml;
    private final Weights reference;
    private List<GroupRollout> rollouts;

    LocalShards(String configYaml, Weights reference) {
        this.configYaml = configYaml;
        this.reference = reference;
    }

    @Override
    public List<GroupRollout> generate(int step, Weights weights, List<GroupPrompt> groups) {
        rollouts = ExecutorModel.with(configYaml, reference, weights, m -> ShardWork.generate(m, step, groups));
        return rollouts;
    }

    @Override
    public GradientSum gradients(Weights weights, StepPlan plan) {
        return ExecutorModel.with(configYaml, reference, weights, m -> ShardWork.gradients(m, rollouts, plan));
    }

    @Override
    public void endStep() {
        rollouts = null;
    }

    @Override
    public void close() {}
}
