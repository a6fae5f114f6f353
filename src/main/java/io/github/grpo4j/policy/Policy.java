package io.github.grpo4j.policy;

import io.github.grpo4j.internal.policy.CategoricalPolicy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What GRPO trains: something that samples completions for prompts and scores given completions with
 * differentiable log-probs. Implemented by {@link CategoricalPolicy} (the seed's four answers) and
 * {@code TransformerPolicy}.
 */
public interface Policy extends AutoCloseable {

    /**
     * Samples {@code numPerPrompt} completions for each prompt, independently (two may be equal).
     * Rows of one prompt are consecutive. The same {@code seed} gives the same completions.
     */
    Completions generate(List<int[]> prompts, int numPerPrompt, SamplingParams params, long seed);

    /**
     * Teacher-forced scores of {@code completions[r]} after {@code prompts[r]}, computed with
     * {@code log_softmax(logits / temperature)}. Differentiable with respect to {@link #parameters()}
     * when called inside a gradient collector.
     *
     * @return arrays in {@code manager}: log-probs {@code [B, T]} and entropies {@code [B, T]}, T the
     *     longest completion, zero past each completion's end
     */
    TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions, double temperature);

    /** Text of a completion's tokens, special tokens left out (what reward functions see). */
    String decode(int[] completion);

    /** Trainable parameters by name, in a stable order; updated in place by the optimizer. */
    Map<String, NDArray> parameters();

    /** A frozen deep copy (the reference model). */
    Policy copy();

    /**
     * Moves parameters towards {@code source}: θ ← α·θ_source + (1−α)·θ (TRL's ref_model_mixup_alpha
     * with the reference as this). α = 1 copies.
     */
    void mixFrom(Policy source, double alpha);

    /** Writes the policy so that it can be loaded again (for transformers: a Hugging Face directory). */
    void save(Path directory);

    @Override
    void close();

    /** Log-probs and entropies of completion tokens, both {@code [B, T]}. */
    record TokenScores(NDArray logProbs, NDArray entropy) {}
}
