package io.github.grpo4j.internal.model;

import io.github.grpo4j.internal.policy.LanguageModelPolicy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import java.util.Map;

/**
 * A causal language model that {@code generate} decodes with and {@code policy} trains: token ids in,
 * next-token logits out, with an optional KV cache for incremental decoding.
 */
public interface CausalLm extends AutoCloseable {

    int vocabSize();

    /** Longest sequence (prompt + completion) the model accepts. */
    int maxPositions();

    /** A cache for {@code batch} sequences of at most {@code capacity} tokens, owned by {@code manager}. */
    KvCache newCache(NDManager manager, int batch, int capacity);

    /**
     * One forward pass.
     *
     * @param ids           token ids {@code [B, S]} (int64)
     * @param positions     position ids {@code [B, S]} (int64); left padding means they start at 0 on
     *                      each row's first real token
     * @param attentionMask {@code [B, P + S]} 1 for real tokens, 0 for padding, where P is the number of
     *                      positions already in {@code cache} (0 without a cache)
     * @param cache         appended to with this call's keys and values; {@code null} for a plain
     *                      full forward (training, teacher forcing)
     * @return logits {@code [B, S, vocab]} float32, attached to the manager of {@code ids}
     */
    NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache);

    /**
     * {@link #forward} that returns logits only for this call's positions {@code firstLogit .. S-1}:
     * {@code [B, S - firstLogit, vocab]}. Prefill needs only the last position's logits and scoring
     * only those from the last prompt token on, and the vocabulary projection over the other
     * positions would dominate the cost for long prompts and large vocabularies; implementations
     * should override this to project only the hidden states that are asked for. The default slices
     * the full result.
     */
    default NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache, int firstLogit) {
        NDArray all = forward(ids, positions, attentionMask, cache);
        return firstLogit == 0 ? all : all.get(new NDIndex(":, {}:, :", firstLogit));
    }

    /**
     * Trainable parameters by Hugging Face tensor name, in a stable order. Training sets
     * {@code requiresGradient} on them and updates them in place.
     */
    Map<String, NDArray> parameters();

    /**
     * A deep copy with its own parameters, sharing no memory and no autograd history with this one
     * (for the frozen reference model; {@code LanguageModelPolicy.copy} relies on it). Implementations
     * that can be trained override it; the default says it is missing.
     */
    default CausalLm copy() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement copy()");
    }

    /**
     * Writes the model into {@code directory} so it can be loaded again (for transformers:
     * {@code config.json} + safetensors with Hugging Face names). The default says it is missing.
     */
    default void save(Path directory) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement save(Path)");
    }

    @Override
    void close();
}
