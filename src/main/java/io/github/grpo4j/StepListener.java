package io.github.grpo4j;

/**
 * Receives each training step's result, on the training thread, after the step's metrics line is
 * logged. A listener that throws stops the run with that exception; checkpoints written before it stay.
 */
@FunctionalInterface
public interface StepListener {

    /**
     * Called once per step.
     *
     * @param step the step's metrics, completions and advantages
     */
    void onStep(StepResult step);
}
