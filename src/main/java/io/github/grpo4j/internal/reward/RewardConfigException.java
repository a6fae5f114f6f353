package io.github.grpo4j.internal.reward;

import io.github.grpo4j.Grpo4jException;

/**
 * A reward that does not fit the data: a row lacks the field the reward reads, or the field has the
 * wrong kind of value. Unlike a reward that fails on a completion, this always stops the run, whatever
 * {@code reward_on_error} says: scoring 0 would silently train on nothing.
 */
public class RewardConfigException extends Grpo4jException {
    public RewardConfigException(String message) {
        super(message);
    }
}
