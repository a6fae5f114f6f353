package io.github.grpo4j.internal.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The keys whose values differ between two configs, e.g. the {@code config.yaml} a run was started
 * with and the config it is resumed with. Keys are dotted ({@code training.learning_rate}); list items
 * are indexed ({@code rewards[1].weight}).
 */
public final class ConfigDiff {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigDiff() {}

    /**
     * One changed key.
     *
     * @param key      dotted key
     * @param oldValue its value before (YAML scalar text, {@code null} when absent or null)
     * @param newValue its value now
     */
    public record Change(String key, String oldValue, String newValue) {
        @Override
        public String toString() {
            return key + " " + oldValue + " -> " + newValue;
        }
    }

    /** The changes from the YAML text {@code before} to the config record {@code after}, in key order. */
    public static List<Change> between(String before, Record after) {
        return between(before, ConfigIo.toYaml(after));
    }

    /** The changes from the YAML text {@code before} to the YAML text {@code after}, in key order. */
    public static List<Change> between(String before, String after) {
        Map<String, String> a = flatten(before);
        Map<String, String> b = flatten(after);
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<Change> out = new ArrayList<>();
        for (String k : keys) {
            String x = a.getOrDefault(k, "null");
            String y = b.getOrDefault(k, "null");
            if (!Objects.equals(x, y)) {
                out.add(new Change(k, x, y));
            }
        }
        return out;
    }

    private static Map<String, String> flatten(String yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            JsonNode root = YAML.readTree(yaml);
            if (root != null) {
                flatten("", root, out);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not YAML: " + e.getMessage(), e);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                    e.getValue(), out));
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                out.put(prefix, "[]");
            }
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), out);
            }
        } else if (!node.isNull()) {
            out.put(prefix, node.isNumber() ? canonicalNumber(node) : node.asText());
        }
    }

    /** 1e-2, 0.01 and 0.010 are the same learning rate. */
    private static String canonicalNumber(JsonNode n) {
        return n.decimalValue().stripTrailingZeros().toPlainString();
    }
}
