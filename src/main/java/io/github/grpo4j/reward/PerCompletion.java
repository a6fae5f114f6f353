package io.github.grpo4j.reward;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link RewardFunction} that scores each completion on its own ({@link RewardFunction#of} and
 * {@link RewardFunction#ofInput} build one). A run calls {@link #scoreOne} completion by completion, so
 * that an exception is pinned to the exact prompt and, under {@code reward_on_error: zero}, only the
 * failing completion scores 0.
 */
public final class PerCompletion implements RewardFunction {
    private final String name;
    private final Function<RewardInput, Double> fn;

    /**
     * A reward from a per-completion function.
     *
     * @param name the function's name ({@link RewardFunction#checkName})
     * @param fn   score of one completion, null when not applicable
     */
    public PerCompletion(String name, Function<RewardInput, Double> fn) {
        this.name = RewardFunction.checkName(name);
        this.fn = Objects.requireNonNull(fn, "fn");
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Scores one completion; exceptions propagate.
     *
     * @param input the completion and its prompt and row
     * @return its score, null when not applicable
     */
    public Double scoreOne(RewardInput input) {
        return fn.apply(input);
    }

    @Override
    public List<Double> score(List<RewardInput> batch) {
        List<Double> out = new ArrayList<>(batch.size());
        for (RewardInput in : batch) {
            out.add(fn.apply(in));
        }
        return out;
    }

    @Override
    public String toString() {
        return "PerCompletion[" + name + "]";
    }
}
