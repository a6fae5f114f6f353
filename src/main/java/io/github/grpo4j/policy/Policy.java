package io.github.grpo4j.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What GRPO trains: something that samples completions for prompts and scores given completions with
 * differentiable log-probs. {@link TransformerPolicy} is the implementation for language models (grpo4j's
 * demo also has a categorical policy over the four answers of the worked example).
 */
public interface Policy extends AutoCloseable {

    /**
     * Samples {@code numPerPrompt} completions for each prompt, independently (two may be equal).
     * Rows of one prompt are consecutive. The same {@code seed} gives the same completions.
     *
     * @param prompts      token ids of each prompt
     * @param numPerPrompt G, completions per prompt
     * @param params       temperature, top-k/top-p/min-p, repetition penalty, length limit, stop strings
     * @param seed         seeds the sampling
     * @return {@code prompts.size() × numPerPrompt} completions with their sampling log-probs
     */
    Completions generate(List<int[]> prompts, int numPerPrompt, SamplingParams params, long seed);

    /**
     * Teacher-forced scores of {@code completions[r]} after {@code prompts[r]}, computed with
     * {@code log_softmax(logits / temperature)}. Differentiable with respect to {@link #parameters()}
     * when called inside a gradient collector.
     *
     * @param manager     owns the returned arrays
     * @param prompts     token ids of the prompt of each row
     * @param completions token ids of the completion of each row
     * @param temperature the sampling temperature (0 scores at 1)
     * @return arrays in {@code manager}: log-probs {@code [B, T]} and entropies {@code [B, T]}, T the
     *     longest completion, zero past each completion's end
     */
    TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions, double temperature);

    /**
     * As {@link #score(NDManager, List, List, double)}; with {@code entropyGradient} the entropies are
     * differentiable too (for an entropy bonus, {@code loss.entropy_coeff}), at the memory cost of keeping
     * the full distributions in the autograd graph. The default returns {@code score}'s entropies, so a
     * policy whose entropies carry no gradient gets no gradient from the bonus.
     *
     * @param manager     owns the returned arrays
     * @param prompts     token ids of the prompt of each row
     * @param completions token ids of the completion of each row
     * @param temperature the sampling temperature (0 scores at 1)
     * @param entropyGradient whether the entropies must be differentiable
     * @return as {@link #score(NDManager, List, List, double)}
     */
    default TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions, double temperature,
            boolean entropyGradient) {
        return score(manager, prompts, completions, temperature);
    }

    /**
     * Scores several micro-batches, each as {@link #score(NDManager, List, List, double)} does; an
     * implementation may share work between them (a reference whose weights are read from a file reads them
     * once for all).
     *
     * @param manager     owns the returned arrays
     * @param prompts     per micro-batch, the prompt token ids of each row
     * @param completions per micro-batch, the completion token ids of each row
     * @param temperature logits are divided by it (0 scores at 1)
     * @return per micro-batch, its scores
     */
    default List<TokenScores> scoreEach(NDManager manager, List<List<int[]>> prompts, List<List<int[]>> completions,
            double temperature) {
        List<TokenScores> out = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            out.add(score(manager, prompts.get(i), completions.get(i), temperature));
        }
        return out;
    }

    /**
     * Decodes a completion.
     *
     * @param completion token ids
     * @return the text, special tokens left out (what reward functions see)
     */
    String decode(int[] completion);

    /** {@return the trainable parameters by name, in a stable order; updated in place by the optimizer} */
    Map<String, NDArray> parameters();

    /** {@return a frozen deep copy (used as the reference model)} */
    Policy copy();

    /**
     * Moves parameters towards {@code source}: θ ← α·θ_source + (1−α)·θ (TRL's ref_model_mixup_alpha
     * with the reference as this). α = 1 copies.
     *
     * @param source the policy to move towards (same architecture)
     * @param alpha  α in [0, 1]
     */
    void mixFrom(Policy source, double alpha);

    /**
     * Writes the policy so that it can be loaded again (for transformers: a Hugging Face directory).
     *
     * @param directory created when missing
     */
    void save(Path directory);

    @Override
    void close();

    /**
     * Log-probs and entropies of completion tokens.
     *
     * @param logProbs log π(token) per completion token, {@code [B, T]}, differentiable
     * @param entropy  entropy of the next-token distribution per completion token, {@code [B, T]}, no gradient
     */
    record TokenScores(NDArray logProbs, NDArray entropy) {}
}
