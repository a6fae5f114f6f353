package io.github.grpo4j.internal.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.github.grpo4j.config.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed config file as a JSON tree plus, for every key path, where it came from: the file and
 * line for keys written in the file, the {@code --set} argument for overrides. Jackson's tree model
 * drops locations, so the tree is built here from the streaming parser.
 */
final class SourceTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String sourceName;
    private final ObjectNode root;
    private final Map<String, String> origins = new HashMap<>();

    private SourceTree(String sourceName, ObjectNode root) {
        this.sourceName = sourceName;
        this.root = root;
    }

    /** An empty tree (every key at its default) named {@code sourceName} in messages. */
    static SourceTree empty(String sourceName) {
        return new SourceTree(sourceName, NODES.objectNode());
    }

    /**
     * Parses YAML (or JSON when {@code json}) text; an empty document is an empty mapping.
     *
     * @throws ConfigException on a syntax error, a duplicate key, or a top level that is not a mapping
     */
    static SourceTree parse(String sourceName, String text, boolean json) {
        JsonFactory factory = json ? new JsonFactory() : new YAMLFactory();
        SourceTree tree = empty(sourceName);
        try (JsonParser p = factory.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return tree;
            }
            int line = p.currentTokenLocation().getLineNr();
            JsonNode node = tree.read(p, "");
            if (node.isNull()) {
                return tree;
            }
            if (!node.isObject()) {
                throw new ConfigException(List.of(sourceName + ":" + line
                        + ": the top level must be a mapping of keys (e.g. `seed: 1`), got " + describe(node)));
            }
            SourceTree result = new SourceTree(sourceName, (ObjectNode) node);
            result.origins.putAll(tree.origins);
            return result;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            String where = line > 0 ? sourceName + ":" + line : sourceName;
            throw new ConfigException(List.of(where + ": not valid " + (json ? "JSON" : "YAML") + ": "
                    + e.getOriginalMessage().lines().findFirst().orElse("")));
        } catch (IOException e) {
            throw new ConfigException(List.of(sourceName + ": cannot read: " + e.getMessage()));
        }
    }

    private JsonNode read(JsonParser p, String path) throws IOException {
        JsonToken t = p.currentToken();
        if (!path.isEmpty()) {
            origins.putIfAbsent(path, sourceName + ":" + p.currentTokenLocation().getLineNr());
        }
        if (p instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            // Jackson reports an alias as a string holding its name, which would bind silently wrong.
            throw new ConfigException(List.of(sourceName + ":" + p.currentTokenLocation().getLineNr() + ": "
                    + (path.isEmpty() ? "" : path + ": ") + "YAML aliases (*" + p.getText()
                    + ") are not supported; write the value out"));
        }
        switch (t) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String childPath = join(path, name);
                    int line = p.currentTokenLocation().getLineNr();
                    if (object.has(name)) {
                        throw new ConfigException(List.of(sourceName + ":" + line + ": " + childPath
                                + ": duplicate key (first at " + origins.get(childPath) + ")"));
                    }
                    origins.put(childPath, sourceName + ":" + line);
                    p.nextToken();
                    object.set(name, read(p, childPath));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(read(p, path + "[" + array.size() + "]"));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(t == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new ConfigException(List.of(origins.get(path) + ": " + path
                    + ": unsupported value (" + t + "); use a string, number, boolean, list or mapping"));
        }
    }

    /**
     * Applies one {@code --set key=value} override: the key is a dotted path ({@code loss.beta},
     * {@code rewards.0.weight} or {@code rewards[0].weight}), the value is parsed as YAML
     * ({@code 0}, {@code true}, {@code [a, b]}, {@code {k: v}}; an empty value is null).
     */
    void applyOverride(String override) {
        String origin = "--set " + override;
        int eq = override.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException(List.of(origin + ": expected key=value, e.g. --set loss.beta=0"));
        }
        List<Object> segments = parseKey(override.substring(0, eq).trim(), origin);
        JsonNode value = parseValue(override.substring(eq + 1), origin);

        JsonNode parent = root;
        String path = "";
        for (int i = 0; i < segments.size(); i++) {
            Object seg = segments.get(i);
            boolean last = i == segments.size() - 1;
            String childPath = seg instanceof Integer idx ? path + "[" + idx + "]" : join(path, (String) seg);
            if (seg instanceof String name) {
                if (!(parent instanceof ObjectNode object)) {
                    throw new ConfigException(List.of(origin + ": " + path + " is " + describe(parent)
                            + ", not a mapping, so it has no key '" + name + "'"));
                }
                if (last) {
                    object.set(name, value);
                } else if (!object.has(name) || object.get(name).isNull()) {
                    object.set(name, NODES.objectNode());
                }
                parent = object.get(name);
            } else {
                int idx = (Integer) seg;
                if (!(parent instanceof ArrayNode array) || idx >= array.size()) {
                    int size = parent instanceof ArrayNode a ? a.size() : 0;
                    throw new ConfigException(List.of(origin + ": " + childPath + " does not exist ("
                            + path + " has " + size + " entries); valid: "
                            + (size == 0 ? "set the whole list, e.g. --set '" + path + "=[...]'" : "indexes 0.." + (size - 1))));
                }
                if (last) {
                    array.set(idx, value);
                }
                parent = array.get(idx);
            }
            path = childPath;
        }
        // The override and everything under it now come from the command line.
        String prefix = path;
        origins.keySet().removeIf(k -> k.equals(prefix) || k.startsWith(prefix + ".") || k.startsWith(prefix + "["));
        origins.put(path, origin);
    }

    private static List<Object> parseKey(String key, String origin) {
        List<Object> segments = new ArrayList<>();
        for (String part : key.replace("[", ".").replace("]", "").split("\\.", -1)) {
            if (part.isEmpty()) {
                throw new ConfigException(List.of(origin + ": malformed key '" + key
                        + "'; use a dotted path such as loss.beta or rewards.0.weight"));
            }
            segments.add(part.chars().allMatch(Character::isDigit) ? (Object) Integer.parseInt(part) : part);
        }
        if (segments.get(0) instanceof Integer) {
            throw new ConfigException(List.of(origin + ": a key cannot start with an index"));
        }
        return segments;
    }

    private static JsonNode parseValue(String text, String origin) {
        if (text.isBlank()) {
            return NODES.nullNode();
        }
        try {
            SourceTree t = new SourceTree(origin, NODES.objectNode());
            try (JsonParser p = new YAMLFactory().createParser(text)) {
                if (p.nextToken() == null) {
                    return NODES.nullNode();
                }
                return t.read(p, "");
            }
        } catch (IOException e) {
            throw new ConfigException(List.of(origin + ": the value is not valid YAML ("
                    + e.getMessage().lines().findFirst().orElse("") + "); quote it, e.g. key='\"...\"'"));
        }
    }

    ObjectNode root() {
        return root;
    }

    String sourceName() {
        return sourceName;
    }

    /**
     * Where the value at {@code path} was set: {@code file:line}, {@code --set ...}, or, for keys
     * at their default, the location of the closest enclosing key (finally the file name).
     */
    String originOf(String path) {
        String p = path;
        while (true) {
            String o = origins.get(p);
            if (o != null) {
                return o;
            }
            if (p.isEmpty()) {
                return sourceName;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A short description of a node for messages: {@code 'abc' (a string)}, {@code a list}, ... */
    static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "'" + node.textValue() + "' (a string)";
        }
        if (node.isNumber()) {
            return node.asText() + " (a number)";
        }
        if (node.isBoolean()) {
            return node.asText() + " (a boolean)";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        return node.getNodeType().toString().toLowerCase();
    }
}
