package io.github.grpo4j.internal.reward;

import io.github.grpo4j.Grpo4jException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, checked access to a parameter map from a config file (YAML/JSON values: String, Number,
 * Boolean, List, Map). Unknown keys and wrongly typed values are {@link Grpo4jException}s that say
 * where ({@code what}, e.g. {@code reward 'correct' (exact_match)}), which key, and what is valid;
 * an unknown key names the closest valid one.
 */
public final class Params {
    private final String what;
    private final Map<String, Object> map;

    /**
     * @param what    where these parameters come from, for messages
     * @param map     the parameters (null = none)
     * @param allowed the valid keys; any other key is an error
     */
    public Params(String what, Map<String, Object> map, List<String> allowed) {
        this.what = what;
        this.map = map == null ? Map.of() : new LinkedHashMap<>(map);
        for (String key : this.map.keySet()) {
            if (!allowed.contains(key)) {
                String closest = closest(key, allowed);
                throw new Grpo4jException(what + ": unknown parameter '" + key + "'"
                        + (closest == null ? "" : "; did you mean '" + closest + "'?") + " Valid parameters: "
                        + (allowed.isEmpty() ? "(none)" : String.join(", ", allowed)));
            }
        }
    }

    /** Whether the key is present with a non-null value. */
    public boolean has(String key) {
        return map.get(key) != null;
    }

    /** The value as given (a map, list, string, number, boolean), or null when absent. */
    public Object raw(String key) {
        return map.get(key);
    }

    /** Whether the key holds a list (as opposed to a single value). */
    public boolean isList(String key) {
        return map.get(key) instanceof List<?>;
    }

    /** A string parameter, or {@code dflt} when absent. */
    public String string(String key, String dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        throw bad(key, v, "a string");
    }

    /** A required string parameter. */
    public String requireString(String key) {
        String s = string(key, null);
        if (s == null || s.isEmpty()) {
            throw new Grpo4jException(what + ": parameter '" + key + "' is required (a non-empty string)");
        }
        return s;
    }

    /** A number parameter, or {@code dflt} when absent. */
    public double number(String key, double dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                double d = Double.parseDouble(s.trim());
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw bad(key, v, "a finite number");
    }

    /** An integer parameter, or {@code dflt} when absent. */
    public int integer(String key, int dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        double d = number(key, dflt);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw bad(key, v, "an integer");
        }
        return (int) d;
    }

    /** A required integer parameter. */
    public int requireInteger(String key) {
        if (!has(key)) {
            throw new Grpo4jException(what + ": parameter '" + key + "' is required (an integer)");
        }
        return integer(key, 0);
    }

    /** A boolean parameter, or {@code dflt} when absent. */
    public boolean bool(String key, boolean dflt) {
        Object v = map.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        throw bad(key, v, "true or false");
    }

    /** A list of strings (a single string counts as a one-element list), or an empty list when absent. */
    public List<String> stringList(String key) {
        Object v = map.get(key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v instanceof String s) {
            out.add(s);
            return out;
        }
        if (v instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof String || o instanceof Number || o instanceof Boolean) {
                    out.add(o.toString());
                } else {
                    throw bad(key, v, "a list of strings");
                }
            }
            return out;
        }
        throw bad(key, v, "a list of strings");
    }

    /** A map of strings to strings, or an empty map when absent. */
    public Map<String, String> stringMap(String key) {
        Object v = map.get(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String) || e.getValue() == null) {
                    throw bad(key, v, "a map of names to strings");
                }
                out.put((String) e.getKey(), e.getValue().toString());
            }
            return out;
        }
        throw bad(key, v, "a map of names to strings");
    }

    /** A {@link Grpo4jException} for a parameter whose value is invalid, naming the key. */
    public Grpo4jException invalid(String key, String message) {
        return new Grpo4jException(what + ": parameter '" + key + "' " + message);
    }

    private Grpo4jException bad(String key, Object v, String expected) {
        return new Grpo4jException(what + ": parameter '" + key + "' is " + describe(v) + "; expected " + expected);
    }

    private static String describe(Object v) {
        return v instanceof String ? "'" + v + "'" : v + " (" + v.getClass().getSimpleName() + ")";
    }

    /** The candidate with the smallest edit distance to {@code key}, if reasonably close. */
    public static String closest(String key, List<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(key.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best != null && bestD <= Math.max(2, key.length() / 2) ? best : null;
    }

    static int editDistance(String a, String b) {
        return io.github.grpo4j.internal.Suggestions.editDistance(a, b);
    }
}
