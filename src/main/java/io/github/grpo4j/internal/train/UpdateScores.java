package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A micro-batch's scores in the update: log-probs to build the loss on, entropies, and the backward
 * pass of that loss into the policy's parameter gradients. A {@link LanguageModelPolicy} may compute them in
 * chunks with a hand-made backward pass (its memory settings); any other policy scores with one
 * differentiable forward and one backward.
 */
public interface UpdateScores {

    /** {@return log π(token) {@code [B, T]}, differentiable, zero past each completion's end} */
    NDArray logProbs();

    /** {@return entropies {@code [B, T]}, differentiable only when asked for by {@link #of}} */
    NDArray entropy();

    /**
     * Adds the gradient of {@code loss} to the parameters' gradients.
     *
     * @param collector the open gradient collector
     * @param loss      a scalar computed from {@link #logProbs}
     */
    void backward(GradientCollector collector, NDArray loss);

    /**
     * Scores a micro-batch for the update; call inside a gradient collector. With {@code entropyGradient}
     * (an entropy bonus in the loss) the entropies are differentiable and a {@link LanguageModelPolicy}
     * scores unchunked, since its chunked backward carries the log-probs' gradient only.
     *
     * @param policy          the policy being trained
     * @param scope           owns the arrays; close it after {@link #backward}
     * @param prompts         token ids of the prompt of each row
     * @param completions     token ids of the completion of each row
     * @param temperature     the sampling temperature (0 scores at 1)
     * @param entropyGradient whether the entropies must be differentiable
     * @return the scores and their backward pass
     */
    static UpdateScores of(Policy policy, NDManager scope, List<int[]> prompts, List<int[]> completions,
            double temperature, boolean entropyGradient) {
        if (policy instanceof LanguageModelPolicy tp) {
            return tp.scoreForUpdate(scope, prompts, completions, temperature, entropyGradient);
        }
        return plain(policy.score(scope, prompts, completions, temperature, entropyGradient));
    }

    /**
     * Whether the scores were computed in chunks with a hand-made backward pass (a {@link LanguageModelPolicy}'s
     * memory settings), rather than with one differentiable forward.
     *
     * @return true for the chunked path
     */
    boolean chunked();

    /** Scores whose log-probs carry their whole autograd graph: one backward does it. */
    static UpdateScores plain(Policy.TokenScores s) {
        return new Computed(s.logProbs(), s.entropy(), false, GradientCollector::backward);
    }

    /**
     * Scores and the backward pass that goes with them.
     *
     * @param logProbs     log π(token) {@code [B, T]}, differentiable
     * @param entropy      entropies {@code [B, T]}
     * @param chunked      whether the backward pass is done in chunks
     * @param backwardPass adds the gradient of a loss to the parameters' gradients
     */
    record Computed(NDArray logProbs, NDArray entropy, boolean chunked,
            BiConsumer<GradientCollector, NDArray> backwardPass) implements UpdateScores {

        @Override
        public void backward(GradientCollector collector, NDArray loss) {
            backwardPass.accept(collector, loss);
        }
    }
}
