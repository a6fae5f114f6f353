package io.github.grpo4j.internal.model;

/**
 * A causal language model built from a {@link ModelConfig} (a transformer, in memory or read from a file a
 * layer at a time): its sizes are the config's.
 */
public interface ConfiguredLm extends CausalLm {

    /** {@return the architecture} */
    ModelConfig config();

    @Override
    default int vocabSize() {
        return config().vocabSize();
    }

    @Override
    default int maxPositions() {
        return config().maxPositionEmbeddings();
    }
}
