package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;

/**
 * What every trainer holds beside its policy: the trainable weights with gradients switched on, their AdamW,
 * the manager of the trainer's own arrays, and the count of tokens generated so far (a checkpoint saves the
 * optimizer and the count). {@link GrpoStepTrainer}, {@link SftTrainer} and the distributed runner of the
 * {@code grpo4j-spark} module set up their optimizer through it.
 */
public final class TrainerState implements AutoCloseable {
    private final NDManager manager;
    private final AdamW optimizer;
    private long tokensSeen;

    /**
     * Switches gradients on for {@code parameters} and starts AdamW over them (moments at zero).
     *
     * @param parameters the trainable weights, updated in place
     * @param adam       AdamW hyper-parameters
     */
    public TrainerState(Map<String, NDArray> parameters, AdamW.Options adam) {
        this.manager = NDManager.newBaseManager();
        for (NDArray p : parameters.values()) {
            p.setRequiresGradient(true);
        }
        this.optimizer = new AdamW(manager, parameters, adam);
    }

    /** {@return the manager of the trainer's own arrays; a step's arrays live in sub-managers of it} */
    public NDManager manager() {
        return manager;
    }

    /** {@return the optimizer over the trainable weights} */
    public AdamW optimizer() {
        return optimizer;
    }

    /** {@return total prompt + completion tokens generated so far (TRL's cumulative {@code num_tokens})} */
    public long tokensSeen() {
        return tokensSeen;
    }

    /**
     * Counts generated tokens.
     *
     * @param tokens prompt + completion tokens of a generation
     */
    public void addTokens(long tokens) {
        tokensSeen += tokens;
    }

    /**
     * Sets the count, as a checkpoint holds it.
     *
     * @param tokensSeen see {@link #tokensSeen()}
     */
    public void restoreTokensSeen(long tokensSeen) {
        this.tokensSeen = tokensSeen;
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
