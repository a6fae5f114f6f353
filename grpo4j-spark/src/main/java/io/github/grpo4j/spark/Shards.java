package io.github.grpo4j.spark;

import java.util.List;

/** Where a step's prompt groups are worked on: the executors of a Spark cluster ({@link SparkShards}). */
interface Shards extends AutoCloseable {

    /**
     * First pass of step {@code step}: every group's rollouts at {@code weights}, kept where they were made
     * for the step's updates.
     *
     * @return the groups' rollouts in group order
     */
    List<GroupRollout> generate(int step, Weights weights, List<GroupPrompt> groups);

    /** One update's gradient over the whole batch of the last {@link #generate}, at {@code weights}. */
    GradientSum gradients(Weights weights, StepPlan plan);

    /** Forgets the step's rollouts. */
    void endStep();

    @Override
    void close();
}
