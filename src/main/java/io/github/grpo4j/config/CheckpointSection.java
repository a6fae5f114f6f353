package io.github.grpo4j.config;

/**
 * When checkpoints are written into the run directory. Resuming is a CLI option ({@code --resume}).
 *
 * @param saveSteps config key {@code save_steps}, default {@code 50}, valid: ≥ 0. Write a checkpoint every
 *     this many steps (and always after the last step); 0: only the final one.
 * @param saveTotalLimit config key {@code save_total_limit}, default {@code 2}, valid: ≥ 0. Keep at most this
 *     many checkpoints, deleting the oldest; 0 keeps all.
 */
@Doc("Checkpoints (model weights, optimiser state, data position, RNG state) in the run directory. "
        + "Resuming is the CLI option `--resume`.")
public record CheckpointSection(
        @Doc("Write a checkpoint every this many steps (and always after the last step); 0: only the "
                + "final one.")
        @Range(min = 0)
        @Default("50")
        int saveSteps,
        @Doc("Keep at most this many checkpoints, deleting the oldest; 0 keeps all.")
        @Range(min = 0)
        @Default("2")
        int saveTotalLimit) {

    /** {@return the defaults: a checkpoint every 50 steps, the last 2 kept}*/
    public static CheckpointSection defaults() {
        return Defaults.of(CheckpointSection.class);
    }
}
