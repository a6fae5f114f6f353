package io.github.grpo4j.spark;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.internal.train.AdamW;
import io.github.grpo4j.internal.train.Prompt;
import io.github.grpo4j.internal.train.StepRunner;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.TransformerPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A runner that, after each step, copies the gradient its last optimizer update applied (after clipping),
 * as the policy's parameters hold it on the machine that keeps the weights: the plain trainer's, or the
 * Spark driver's summed gradient. The tests compare the two.
 */
final class LastGradients implements StepRunner {
    private final StepRunner inner;
    private final TransformerPolicy policy;
    private final List<Map<String, float[]>> out;

    private LastGradients(StepRunner inner, TransformerPolicy policy, List<Map<String, float[]>> out) {
        this.inner = inner;
        this.policy = policy;
        this.out = out;
    }

    /** {@code factory}'s runners, each step's last gradient added to {@code out}. */
    static Factory recording(Factory factory, List<Map<String, float[]>> out) {
        return (config, policy, reference, options, rewards, multiTurn) ->
                new LastGradients(factory.create(config, policy, reference, options, rewards, multiTurn), policy, out);
    }

    @Override
    public List<StepResult> round(int firstStep, int steps, Supplier<List<Prompt>> nextPrompts) {
        List<StepResult> r = inner.round(firstStep, steps, nextPrompts);
        Map<String, float[]> g = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : policy.parameters().entrySet()) {
            try (NDArray grad = e.getValue().getGradient()) {
                g.put(e.getKey(), grad.toFloatArray());
            }
        }
        out.add(g);
        return r;
    }

    @Override
    public AdamW optimizer() {
        return inner.optimizer();
    }

    @Override
    public Policy reference() {
        return inner.reference();
    }

    @Override
    public long tokensSeen() {
        return inner.tokensSeen();
    }

    @Override
    public void restoreCounters(long tokensSeen) {
        inner.restoreCounters(tokensSeen);
    }

    @Override
    public void close() {
        inner.close();
    }
}
