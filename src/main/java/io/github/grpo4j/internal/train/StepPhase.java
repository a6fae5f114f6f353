package io.github.grpo4j.internal.train;

/** The phases of a GRPO step whose end {@link GrpoStepTrainer} reports to a {@link Listener}. */
public enum StepPhase {
    /** Rollouts: sampling completions with the KV cache. */
    GENERATION,
    /** Reward, advantages and the reference model's log-probs. */
    REFERENCE,
    /** The μ forward/backward/AdamW passes. */
    UPDATE;

    /** The phase's name in reports: lower case. */
    public String key() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Told when each phase of a step ends, on the training thread (grpo4j bench measures memory per phase). */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param phase the phase that just ended
         */
        void ended(StepPhase phase);
    }
}
