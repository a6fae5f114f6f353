package io.github.grpo4j.internal.config;

import io.github.grpo4j.config.OneOf;
import io.github.grpo4j.internal.OptionNames;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the loader, validator, writer and docs generator. */
public final class Configs {
    private Configs() {}

    /** An unmodifiable copy that keeps insertion order and allows null values; null becomes empty. */
    public static Map<String, Object> copyMap(Map<String, Object> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** The YAML key of a record component: {@code adamBeta1} → {@code adam_beta1}. */
    public static String key(RecordComponent component) {
        return snakeCase(component.getName());
    }

    public static String snakeCase(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                b.append('_').append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The valid spellings of a key that takes one of a fixed set of values: its option enum's names
     * ({@link #optionName}) or its {@link OneOf} list; empty for other keys.
     */
    public static List<String> options(RecordComponent component) {
        Class<?> type = component.getType();
        if (type.isEnum()) {
            return Arrays.stream(type.getEnumConstants()).map(e -> optionName((Enum<?>) e)).toList();
        }
        OneOf oneOf = component.getAnnotation(OneOf.class);
        return oneOf == null ? List.of() : List.of(oneOf.value());
    }

    /** An option's spelling in a config file: the enum constant's lowercase name, e.g. {@code dr_grpo}. */
    public static String optionName(Enum<?> option) {
        return OptionNames.of(option);
    }

    /** The record's {@code static defaults()} instance. */
    public static Object defaultsOf(Class<?> recordType) {
        try {
            return recordType.getMethod("defaults").invoke(null);
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(recordType.getName() + " has no public static defaults()", e);
        }
    }

    /** The value of {@code component} in {@code record}. */
    public static Object get(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    /** Levenshtein edit distance (insertions, deletions, substitutions each cost 1). */
    public static int editDistance(String a, String b) {
        return io.github.grpo4j.internal.Suggestions.editDistance(a, b);
    }

    /** The candidate with the smallest edit distance to {@code key} (first one on ties). */
    public static String closest(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(key, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }
}
