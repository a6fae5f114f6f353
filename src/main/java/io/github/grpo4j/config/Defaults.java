package io.github.grpo4j.config;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a config section's defaults from the {@link Default} annotations beside its keys, so that each
 * default is written once, next to the key it belongs to.
 */
public final class Defaults {
    private static final ClassValue<Object> CACHE = new ClassValue<>() {
        @Override
        protected Object computeValue(Class<?> type) {
            return build(type);
        }
    };

    private Defaults() {}

    /**
     * The defaults of a config record: each key's {@link Default}, or null, an empty list or map, or the
     * defaults of a nested section when the key has none.
     *
     * @param type a config record
     * @param <T> the record type
     * @return the record with every key at its default
     * @throws IllegalStateException when a default does not fit its key's type (a programming error)
     */
    public static <T extends Record> T of(Class<T> type) {
        return type.cast(CACHE.get(type));
    }

    private static Object build(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            Default d = KeyAnnotations.of(c, Default.class);
            values[i] = d == null ? implicit(c) : parse(c, d.value());
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("the defaults of " + type.getSimpleName() + " are invalid: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private static Object implicit(RecordComponent c) {
        Class<?> t = c.getType();
        if (t.isPrimitive()) {
            throw new IllegalStateException(where(c) + " needs a @Default");
        }
        if (t == List.class) {
            return List.of();
        }
        if (t == Map.class) {
            return Map.of();
        }
        if (t.isRecord()) {
            try {
                return t.getMethod("defaults").invoke(null); // the section's own defaults
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(t.getName() + " has no public static defaults()", e);
            }
        }
        return null;
    }

    private static Object parse(RecordComponent c, String[] text) {
        Class<?> t = c.getType();
        if (t == List.class) {
            return List.of(text);
        }
        if (text.length != 1) {
            throw new IllegalStateException(where(c) + ": one @Default value expected, got " + Arrays.toString(text));
        }
        String v = text[0];
        if (v.equals("null") && !t.isPrimitive()) {
            return null;
        }
        try {
            if (t == int.class || t == Integer.class) {
                return Integer.parseInt(v);
            }
            if (t == long.class || t == Long.class) {
                return Long.parseLong(v);
            }
            if (t == double.class || t == Double.class) {
                return Double.parseDouble(v);
            }
        } catch (NumberFormatException e) {
            throw new IllegalStateException(where(c) + ": @Default(\"" + v + "\") is not a " + t.getSimpleName(), e);
        }
        if (t == boolean.class || t == Boolean.class) {
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalStateException(where(c) + ": @Default(\"" + v + "\") is not true or false");
            }
            return Boolean.parseBoolean(v);
        }
        if (t == String.class) {
            return v;
        }
        if (t.isEnum()) {
            for (Object constant : t.getEnumConstants()) {
                if (((Enum<?>) constant).name().toLowerCase(Locale.ROOT).equals(v)) {
                    return constant;
                }
            }
            throw new IllegalStateException(where(c) + ": @Default(\"" + v + "\") is not a " + t.getSimpleName());
        }
        throw new IllegalStateException(where(c) + ": @Default on a " + t.getSimpleName() + " key");
    }

    private static String where(RecordComponent c) {
        return c.getDeclaringRecord().getSimpleName() + "." + c.getName();
    }
}
