package io.github.grpo4j.config;

import io.github.grpo4j.Grpo4jException;
import java.util.List;

/**
 * A configuration that cannot be used: unknown keys, wrong types, out-of-range values, conflicting
 * options. Thrown before any work starts; {@link #problems()} lists every problem found, each as
 * {@code <file>:<line>: <key>: <what is wrong>; valid: <what would be valid>}.
 */
public class ConfigException extends Grpo4jException {
    /** Every problem found, one line each. */
    private final List<String> problems;

    /**
     * An invalid configuration.
     *
     * @param problems every problem found, one line each
     */
    public ConfigException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    /**
     * The problems found.
     *
     * @return each problem, one line each, in file order
     */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) {
            return "invalid configuration: " + problems.get(0);
        }
        StringBuilder b = new StringBuilder("invalid configuration (" + problems.size() + " problems):");
        for (String p : problems) {
            b.append("\n  ").append(p);
        }
        return b.toString();
    }
}
