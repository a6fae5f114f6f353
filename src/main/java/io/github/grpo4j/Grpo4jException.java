package io.github.grpo4j;

/**
 * An error the user can cause and fix: bad config, bad data, a missing file, a reward function that
 * failed. The message says what was wrong, where (file:line, field) and what would be valid; the CLI
 * prints it without a stack trace (unless {@code --debug}).
 */
public class Grpo4jException extends RuntimeException {
    /**
     * An error with a message for the user.
     *
     * @param message what was wrong, where, and what would be valid
     */
    public Grpo4jException(String message) {
        super(message);
    }

    /**
     * An error with a message for the user and the exception that caused it.
     *
     * @param message what was wrong, where, and what would be valid
     * @param cause   the underlying exception (shown by the CLI with {@code --debug})
     */
    public Grpo4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
