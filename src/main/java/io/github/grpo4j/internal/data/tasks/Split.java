package io.github.grpo4j.internal.data.tasks;

import io.github.grpo4j.Grpo4jException;
import java.util.Locale;

/** Which part of a synthetic task's problem space: the training problems or the held-out ones. */
public enum Split {
    /** Problems used for training. */
    TRAIN,
    /** Problems never drawn for training, for evaluation. */
    HELD_OUT;

    /** Parses {@code train} or {@code held_out} (also {@code heldout}, {@code held-out}, {@code eval}, {@code test}). */
    public static Split parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace("-", "_");
        return switch (v) {
            case "train" -> TRAIN;
            case "held_out", "heldout", "eval", "test" -> HELD_OUT;
            default -> throw new Grpo4jException("split '" + s + "' is not valid; use train or held_out");
        };
    }

    /** The config spelling ({@code train}, {@code held_out}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
