package io.github.grpo4j.reward;

import io.github.grpo4j.Grpo4jException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A reward: scores a batch of completions. This is the user extension point of grpo4j.
 *
 * <p>{@link #score} receives every completion of a step (all groups, in order) and returns one entry
 * per completion, in the same order: a finite number, or {@code null} meaning "does not apply to this
 * completion" (for example a math reward on a code prompt). A run combines several
 * functions as R = Σ_k w_k r_k over the non-null terms (TRL's {@code nansum}).
 *
 * <p>Implement the interface directly for batched scoring (a reward model, an external process); for
 * a per-completion lambda use {@link #of(String, PerCompletionReward)}. A function that throws is
 * handled by the run's {@link RewardOnError} policy. Functions that hold resources (a process, a
 * model) release them in {@link #close()}.
 */
public interface RewardFunction extends AutoCloseable {

    /** {@return the name used in metrics ({@code rewards/<name>/mean}) and error messages; unique within a run} */
    String name();

    /**
     * Scores a batch.
     *
     * @param batch the completions to score, never empty
     * @return one score per input, same order and size; null entries mean "not applicable"
     */
    List<Double> score(List<RewardInput> batch);

    /** Releases resources (a child process, say). The default does nothing. */
    @Override
    default void close() {}

    /**
     * A reward from a per-completion lambda over (prompt, completion, row).
     *
     * @param name its name in metrics
     * @param fn   the lambda; null means "does not apply"
     * @return the reward function
     */
    static RewardFunction of(String name, PerCompletionReward fn) {
        Objects.requireNonNull(fn, "fn");
        return new PerCompletion(name, in -> fn.score(in.prompt(), in.completion(), in.row()));
    }

    /**
     * A reward from a per-completion lambda over the whole {@link RewardInput} (for rewards that need
     * the token count or the truncation flag).
     *
     * @param name its name in metrics
     * @param fn   the lambda; null means "does not apply"
     * @return the reward function
     */
    static RewardFunction ofInput(String name, Function<RewardInput, Double> fn) {
        return new PerCompletion(name, fn);
    }

    /**
     * Checks a reward function's name: it becomes the metric key {@code rewards/<name>/mean}.
     *
     * @param name the name
     * @return the name, when it is non-empty and has neither a {@code /} nor surrounding spaces
     * @throws Grpo4jException otherwise, saying why
     */
    static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new Grpo4jException("a reward function needs a non-empty name");
        }
        if (!name.equals(name.strip()) || name.contains("/")) {
            throw new Grpo4jException("reward function name '" + name
                    + "' must not contain '/' or surrounding spaces (it becomes the metric key rewards/<name>/mean)");
        }
        return name;
    }
}
