package io.github.grpo4j.spark;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.internal.train.Prompt;
import io.github.grpo4j.internal.train.StepRunner;
import io.github.grpo4j.internal.train.TrainerState;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.TransformerPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A runner that lets a test look in before and after each round: the plain trainer's, or the Spark
 * driver's, on the machine that keeps the weights.
 */
final class ObservedRunner implements StepRunner {
    private final StepRunner inner;
    private final TransformerPolicy policy;
    private final BiConsumer<Integer, TransformerPolicy> before, after;

    private ObservedRunner(StepRunner inner, TransformerPolicy policy, BiConsumer<Integer, TransformerPolicy> before,
            BiConsumer<Integer, TransformerPolicy> after) {
        this.inner = inner;
        this.policy = policy;
        this.before = before;
        this.after = after;
    }

    /** {@code factory}'s runners, {@code before} and {@code after} called with each round's first step. */
    static Factory observed(Factory factory, BiConsumer<Integer, TransformerPolicy> before,
            BiConsumer<Integer, TransformerPolicy> after) {
        return (config, policy, reference, options, rewards, multiTurn) -> new ObservedRunner(
                factory.create(config, policy, reference, options, rewards, multiTurn), policy, before, after);
    }

    /**
     * {@code factory}'s runners, each round's last applied gradient (after clipping: the plain trainer's, or the
     * Spark driver's summed gradient) added to {@code out}. Read as AdamW applies it: the plain trainer frees
     * the gradients after each update.
     */
    static Factory recordingGradients(Factory factory, List<Map<String, float[]>> out) {
        return (config, policy, reference, options, rewards, multiTurn) -> {
            StepRunner inner = factory.create(config, policy, reference, options, rewards, multiTurn);
            List<Map<String, float[]>> last = new java.util.ArrayList<>(List.of(Map.of()));
            inner.state().optimizer().beforeUpdate(params -> {
                Map<String, float[]> g = new LinkedHashMap<>();
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    try (NDArray grad = e.getValue().getGradient()) {
                        g.put(e.getKey(), grad.toFloatArray());
                    }
                }
                last.set(0, g);
            });
            return new ObservedRunner(inner, policy, (step, p) -> { }, (step, p) -> out.add(last.get(0)));
        };
    }

    @Override
    public List<StepResult> round(int firstStep, int steps, Supplier<List<Prompt>> nextPrompts) {
        before.accept(firstStep, policy);
        List<StepResult> r = inner.round(firstStep, steps, nextPrompts);
        after.accept(firstStep, policy);
        return r;
    }

    @Override
    public TrainerState state() {
        return inner.state();
    }

    @Override
    public Policy reference() {
        return inner.reference();
    }

    @Override
    public void close() {
        inner.close();
    }
}
