package io.github.grpo4j.internal.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a resolved config (every key, defaults included) as YAML, e.g. into the run directory, and
 * reads it back: {@code ConfigIo.read(path, GrpoConfig.class)} equals the record written.
 */
public final class ConfigIo {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            // Strings stay double-quoted: unambiguous ("true", "0", "#") and newlines become "\n"
            // instead of literal blocks.
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .build());
    private static final ObjectMapper PLAIN = new ObjectMapper();

    /** Name of the resolved config in a run directory. */
    public static final String RESOLVED_FILE_NAME = "config.yaml";

    private ConfigIo() {}

    /** The YAML text of {@code config} with every key, null ones included, in declaration order. */
    public static String toYaml(Record config) {
        try {
            return YAML.writeValueAsString(toTree(config));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as YAML", e);
        }
    }

    /** Writes {@code config} as YAML to {@code file}, creating parent directories. */
    public static void write(Record config, Path file) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            String header = "# Resolved grpo4j configuration (every key, defaults filled in).\n"
                    + "# Re-run with: --config " + file.getFileName() + "\n";
            Files.writeString(file, header + toYaml(config), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Grpo4jException("cannot write config " + file + ": " + IoErrors.reason(e), e);
        }
    }

    /** Reads a config written by {@link #write} (or any config file), validated. */
    public static <T extends Record> T read(Path file, Class<T> type) {
        return ConfigLoader.load(type, file, List.of());
    }

    /** The record as a JSON tree with snake_case keys. */
    static ObjectNode toTree(Record record) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            node.set(Configs.key(c), valueTree(Configs.get(c, record)));
        }
        return node;
    }

    private static JsonNode valueTree(Object value) {
        if (value instanceof Record r) {
            return toTree(r);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            list.forEach(v -> array.add(valueTree(v)));
            return array;
        }
        if (value instanceof Enum<?> e) {
            return JsonNodeFactory.instance.textNode(Configs.optionName(e));
        }
        return PLAIN.valueToTree(value);
    }
}
