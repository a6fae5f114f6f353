package io.github.grpo4j.internal;

import io.github.grpo4j.Grpo4jException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Spelling of the option enums in configs and on the command line: the lowercase enum name. */
public final class OptionNames {
    private OptionNames() {}

    public static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code text} (case-insensitive, surrounding blanks ignored) as one of {@code type}'s
     * values; an unknown value is a user error that names the option and every valid value.
     */
    public static <E extends Enum<E>> E parse(Class<E> type, String option, String text) {
        E[] values = type.getEnumConstants();
        if (text != null) {
            String wanted = text.trim();
            for (E value : values) {
                if (of(value).equalsIgnoreCase(wanted)) {
                    return value;
                }
            }
        }
        String valid = Arrays.stream(values).map(OptionNames::of).collect(Collectors.joining(", "));
        throw new Grpo4jException(
                "unknown " + option + " '" + text + "'; valid values: " + valid);
    }
}
