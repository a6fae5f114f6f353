package io.github.grpo4j.environment;

import java.util.List;
import java.util.Map;

/**
 * One episode of a stateful environment (a game, a multi-step task). The run creates one instance per
 * episode, calls {@link #reset} once with the episode's dataset row, then {@link #step} with each of the
 * model's turns until the environment says it is done, the episode runs out of turns or tokens. The
 * messages it returns are appended to the conversation as context tokens (rendered by the chat template,
 * masked out of the loss like tool results); the rewards it returns are summed into the episode's
 * {@code environment_reward}, which the {@code environment} reward type passes on.
 *
 * <p>An exception from either method (or a call that takes longer than {@code environment.timeout_s})
 * ends the episode and counts in {@code environment/failure_frequency}; it never stops the run.
 */
public interface Environment extends AutoCloseable {

    /**
     * Starts the episode.
     *
     * @param row the dataset row the episode's prompt comes from (every field)
     * @return messages shown after the prompt before the model's first turn (usually none: the prompt
     *     states the task); each a map with {@code role} and {@code content}
     */
    List<Map<String, Object>> reset(Map<String, Object> row);

    /**
     * Answers one model turn.
     *
     * @param message the text of the model's turn
     * @return the environment's answer
     */
    Step step(String message);

    /** Called once the episode is over; does nothing unless overridden. */
    @Override
    default void close() {}

    /**
     * What the environment answers to a model turn.
     *
     * @param messages messages shown to the model before its next turn ({@code role} and {@code content},
     *                 usually role {@code user}); ignored when {@code done}
     * @param reward   this turn's reward, added to the episode's environment reward; null for none
     * @param done     whether the episode is over
     */
    record Step(List<Map<String, Object>> messages, Double reward, boolean done) {
        /**
         * Copies the messages (null: none).
         *
         * @param messages see {@link #messages()}
         * @param reward   see {@link #reward()}
         * @param done     see {@link #done()}
         */
        public Step {
            messages = messages == null ? List.of() : List.copyOf(messages);
        }

        /**
         * {@return a step that shows the model {@code text} as a user message and goes on}
         *
         * @param text   the message
         * @param reward this turn's reward, or null
         */
        public static Step reply(String text, Double reward) {
            return new Step(List.of(Map.of("role", "user", "content", text)), reward, false);
        }

        /**
         * {@return a step that ends the episode}
         *
         * @param reward the last turn's reward, or null
         */
        public static Step done(Double reward) {
            return new Step(List.of(), reward, true);
        }
    }
}
