package io.github.grpo4j.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds a JSON tree to a config record, filling absent keys from the record's {@code defaults()}.
 * Written by hand rather than with Jackson's data binding so that every problem (unknown key, wrong
 * type) is collected with its key path, and so that coercions are strict: {@code 8.5} is not an
 * integer. Numbers written as strings ({@code "1e-6"}, which YAML 1.1 reads as a string) are
 * accepted for numeric keys.
 */
final class RecordBinder {
    private final List<Problem> problems = new ArrayList<>();
    private Class<?> rootType;

    /** Problems found so far, in tree order. */
    List<Problem> problems() {
        return problems;
    }

    /** Binds {@code node} (an object node, or null for "all defaults") to {@code type}. */
    <T> T bindRoot(JsonNode node, Class<T> type) {
        rootType = type;
        return type.cast(bind(node, type, Configs.defaultsOf(type), ""));
    }

    private Object bind(JsonNode node, Type type, Object dflt, String path) {
        if (node == null) {
            return dflt;
        }
        Class<?> raw = rawClass(type);
        if (raw.isRecord()) {
            return bindRecord(node, raw, dflt, path);
        }
        if (raw == int.class || raw == Integer.class) {
            return bindInteger(node, raw, dflt, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (raw == long.class || raw == Long.class) {
            return bindInteger(node, raw, dflt, path, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (raw == double.class || raw == Double.class) {
            return bindDouble(node, raw, dflt, path);
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return bindBoolean(node, raw, dflt, path);
        }
        if (raw.isEnum()) {
            return bindOption(node, raw, dflt, path);
        }
        if (raw == String.class) {
            if (node.isNull() || node.isTextual()) {
                return node.isNull() ? null : node.textValue();
            }
            return problem(path, "expected a string, got " + SourceTree.describe(node)
                    + (node.isValueNode() ? "; quote it to make it a string" : ""), dflt);
        }
        if (raw == List.class) {
            return bindList(node, (ParameterizedType) type, dflt, path);
        }
        if (raw == Map.class) {
            if (node.isNull()) {
                return Map.of();
            }
            if (!node.isObject()) {
                return problem(path, "expected a mapping of keys to values, got " + SourceTree.describe(node), dflt);
            }
            return toJava(node);
        }
        if (raw == Object.class) {
            // "a path or an inline map" (model.config)
            if (node.isNull()) {
                return null;
            }
            if (node.isTextual() || node.isObject()) {
                return toJava(node);
            }
            return problem(path, "expected a path string or a mapping, got " + SourceTree.describe(node), dflt);
        }
        throw new IllegalStateException("unsupported config type " + type + " at " + path);
    }

    private Object bindRecord(JsonNode node, Class<?> type, Object dflt, String path) {
        if (node.isNull()) {
            return dflt; // an empty section ("loss:" with every key commented out) means all defaults
        }
        if (!node.isObject()) {
            return problem(path, "expected a section (a mapping of keys), got " + SourceTree.describe(node)
                    + "; valid keys: " + String.join(", ", keys(type)), dflt);
        }
        if (dflt == null) {
            dflt = Configs.defaultsOf(type); // an optional section (null by default) that the file sets
        }
        RecordComponent[] components = type.getRecordComponents();
        Set<String> valid = keys(type);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!valid.contains(name)) {
                problems.add(new Problem(SourceTree.join(path, name), unknownKeyMessage(name, type, path)));
            }
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            String key = Configs.key(c);
            values[i] = bind(node.get(key), c.getGenericType(), Configs.get(c, dflt), SourceTree.join(path, key));
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            return ctor.newInstance(values);
        } catch (InvocationTargetException e) {
            return problem(path, String.valueOf(e.getCause().getMessage()), dflt);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }

    private String unknownKeyMessage(String name, Class<?> type, String path) {
        Set<String> valid = keys(type);
        String section = path.isEmpty() ? "the top level" : "'" + path + "'";
        StringBuilder m = new StringBuilder("unknown key '" + name + "' in " + section);
        // A key that belongs to another section is the likeliest mistake; say where it goes.
        String elsewhere = sectionHolding(name, path);
        if (elsewhere != null) {
            m.append("; '").append(name).append("' belongs ")
                    .append(elsewhere.equals("the top level") ? "at the top level" : "in '" + elsewhere + "'")
                    .append('.');
        } else {
            m.append("; did you mean '").append(Configs.closest(name, valid)).append("'?");
        }
        m.append(" Valid keys: ").append(String.join(", ", valid));
        return m.toString();
    }

    /** One of an option enum's values, spelled as {@link Configs#optionName} writes it. */
    private Object bindOption(JsonNode node, Class<?> type, Object dflt, String path) {
        List<String> valid = Arrays.stream(type.getEnumConstants()).map(e -> Configs.optionName((Enum<?>) e)).toList();
        if (node.isNull()) {
            return problem(path, "must be set; valid: " + String.join(", ", valid), dflt);
        }
        // an option with the values true and false (besides others, e.g. auto) takes YAML's booleans too
        boolean booleanOption = node.isBoolean() && valid.contains(node.asText());
        if (!node.isTextual() && !booleanOption) {
            return problem(path, "expected a string, got " + SourceTree.describe(node)
                    + (node.isValueNode() ? "; quote it to make it a string" : ""), dflt);
        }
        int i = valid.indexOf(node.asText());
        if (i < 0) {
            return problem(path, ConfigValidator.notAnOption(node.textValue(), valid), dflt);
        }
        return type.getEnumConstants()[i];
    }

    private Object bindInteger(JsonNode node, Class<?> raw, Object dflt, String path, long min, long max) {
        if (node.isNull()) {
            return raw.isPrimitive() ? problem(path, "must not be null; expected an integer", dflt) : null;
        }
        BigDecimal v = numberOf(node);
        if (v == null || v.stripTrailingZeros().scale() > 0) {
            return problem(path, "expected an integer, got " + SourceTree.describe(node), dflt);
        }
        if (v.compareTo(BigDecimal.valueOf(min)) < 0 || v.compareTo(BigDecimal.valueOf(max)) > 0) {
            return problem(path, v.toPlainString() + " does not fit; valid: " + min + " to " + max, dflt);
        }
        return raw == int.class || raw == Integer.class ? (Object) v.intValue() : (Object) v.longValue();
    }

    private Object bindDouble(JsonNode node, Class<?> raw, Object dflt, String path) {
        if (node.isNull()) {
            return raw.isPrimitive() ? problem(path, "must not be null; expected a number", dflt) : null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.textValue().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        return problem(path, "expected a number, got " + SourceTree.describe(node), dflt);
    }

    private Object bindBoolean(JsonNode node, Class<?> raw, Object dflt, String path) {
        if (node.isNull()) {
            return raw.isPrimitive() ? problem(path, "must not be null; expected true or false", dflt) : null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.textValue().equalsIgnoreCase("true") || node.textValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.textValue());
        }
        return problem(path, "expected true or false, got " + SourceTree.describe(node), dflt);
    }

    private Object bindList(JsonNode node, ParameterizedType type, Object dflt, String path) {
        Type element = type.getActualTypeArguments()[0];
        Class<?> elementClass = rawClass(element);
        if (node.isNull()) {
            return List.of();
        }
        if (node.isTextual() && elementClass == String.class) {
            return List.of(node.textValue()); // a single string where a list of strings is expected
        }
        if (!node.isArray()) {
            return problem(path, "expected a list, got " + SourceTree.describe(node), dflt);
        }
        List<Object> out = new ArrayList<>();
        int before = problems.size();
        for (int i = 0; i < node.size(); i++) {
            String itemPath = path + "[" + i + "]";
            JsonNode item = node.get(i);
            if (item.isNull()) {
                problems.add(new Problem(itemPath, "list entries must not be null"));
                continue;
            }
            Object itemDefault = elementClass.isRecord() ? Configs.defaultsOf(elementClass) : null;
            Object v = bind(item, element, itemDefault, itemPath);
            if (v != null) {
                out.add(v);
            }
        }
        return problems.size() > before ? dflt : out;
    }

    /** The number a node holds, or a string that parses as one; null otherwise. */
    private static BigDecimal numberOf(JsonNode node) {
        if (node.isNumber()) {
            return node.isDouble() || node.isFloat()
                    ? (Double.isFinite(node.doubleValue()) ? BigDecimal.valueOf(node.doubleValue()) : null)
                    : node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** Plain Java value of a node: String, Integer/Long/BigInteger, Double, Boolean, null, List, Map. */
    static Object toJava(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toJava(e.getValue())));
            return java.util.Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toJava(n)));
            return java.util.Collections.unmodifiableList(list);
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isInt()) {
            return node.intValue();
        }
        if (node.isLong()) {
            return node.longValue();
        }
        if (node.isBigInteger()) {
            return node.bigIntegerValue();
        }
        return node.doubleValue();
    }

    private Object problem(String path, String message, Object dflt) {
        problems.add(new Problem(path, message));
        return dflt;
    }

    static Set<String> keys(Class<?> recordType) {
        Set<String> keys = new java.util.LinkedHashSet<>();
        Arrays.stream(recordType.getRecordComponents()).forEach(c -> keys.add(Configs.key(c)));
        return keys;
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalStateException("unsupported config type " + type);
    }

    /** The first section (other than {@code currentPath}) of the root type that has key {@code key}. */
    private String sectionHolding(String key, String currentPath) {
        return sectionHolding(rootType, "", key, currentPath);
    }

    private static String sectionHolding(Class<?> type, String path, String key, String currentPath) {
        if (!path.equals(currentPath) && keys(type).contains(key)) {
            return path.isEmpty() ? "the top level" : path;
        }
        for (RecordComponent c : type.getRecordComponents()) {
            Class<?> t = c.getType();
            String child = SourceTree.join(path, Configs.key(c));
            if (t == List.class) {
                Class<?> element = rawClass(((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0]);
                if (element.isRecord()) {
                    String found = sectionHolding(element, child + "[]", key, currentPath.replaceAll("\\[\\d+]", "[]"));
                    if (found != null) {
                        return found;
                    }
                }
            } else if (t.isRecord()) {
                String found = sectionHolding(t, child, key, currentPath);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
