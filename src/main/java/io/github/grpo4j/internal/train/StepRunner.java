package io.github.grpo4j.internal.train;

import io.github.grpo4j.StepResult;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.agent.MultiTurnRollout;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.TransformerPolicy;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a {@link TrainingRun} needs of the thing that runs its GRPO steps: {@link GrpoStepTrainer} on this
 * machine, or a distributed runner (the {@code grpo4j-spark} module) that spreads each step's prompt groups
 * over a cluster while the driver keeps the trainable weights and the optimizer. The run loop around it
 * (data, metrics, checkpoints, resume) is the same for both.
 */
public interface StepRunner extends AutoCloseable {

    /**
     * Runs steps {@code firstStep … firstStep + steps − 1} on one generation, as
     * {@link GrpoStepTrainer#round}.
     *
     * @param firstStep   the first step's number (1-based)
     * @param steps       steps that share the generation
     * @param nextPrompts each call gives one step's prompts
     * @return one result per step
     */
    List<StepResult> round(int firstStep, int steps, Supplier<List<Prompt>> nextPrompts);

    /** {@return the optimizer and counters over the policy's trainable weights (checkpoints save them)} */
    TrainerState state();

    /** {@return the optimizer over the policy's trainable weights (checkpoints save and restore it)} */
    default AdamW optimizer() {
        return state().optimizer();
    }

    /** {@return the reference model, or null when β = 0} */
    Policy reference();

    /** {@return total prompt + completion tokens generated so far} */
    default long tokensSeen() {
        return state().tokensSeen();
    }

    /**
     * Restores the counters a checkpoint holds besides weights and optimizer moments.
     *
     * @param tokensSeen see {@link #tokensSeen()}
     */
    default void restoreCounters(long tokensSeen) {
        state().restoreTokensSeen(tokensSeen);
    }

    @Override
    void close();

    /** Builds the runner of a run from the parts the run has built. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param config    the run's validated configuration
         * @param policy    the policy to train in place (its weights and optimizer stay where this runs)
         * @param reference the reference model, or null for the trainer's default (a copy of the policy, or
         *                  the base model with the adapters off under LoRA)
         * @param options   the step options of {@code config}
         * @param rewards   the run's reward functions
         * @param multiTurn multi-turn rollouts with tools, or null
         * @return the runner; the run closes it
         */
        StepRunner create(GrpoConfig config, TransformerPolicy policy, TransformerPolicy reference,
                GrpoStepTrainer.Options options, RewardSet rewards, MultiTurnRollout multiTurn);
    }
}
