package io.github.grpo4j.internal.config;

/**
 * One thing wrong with a configuration, before it is located in a file.
 *
 * @param path    dotted key path, e.g. {@code loss.beta} or {@code rewards[0].weight}; "" for the root
 * @param message what is wrong and what would be valid
 */
public record Problem(String path, String message) {

    /** {@code path: message}, or the message alone at the root. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
