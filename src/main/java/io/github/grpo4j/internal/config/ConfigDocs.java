package io.github.grpo4j.internal.config;

import io.github.grpo4j.config.Doc;
import io.github.grpo4j.config.KeyAnnotations;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.OneOf;
import io.github.grpo4j.config.Range;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Generates {@code docs/configuration.md} from the config records' {@link Doc}, {@link Range} and
 * {@link OneOf} annotations and their {@code defaults()}. A test fails when the committed file is
 * stale; regenerate with {@code ./mvnw -q test -Dtest=ConfigDocsTest -Dgrpo4j.updateDocs=true} or by
 * running {@link #main} with the output path.
 */
public final class ConfigDocs {
    /** Where the reference lives, relative to the project root. */
    public static final Path DOCS_FILE = Path.of("docs", "configuration.md");

    /** A typical config for a pretrained model and a prompt file; shown in the docs, parsed by a test. */
    public static final String EXAMPLE = """
            seed: 1
            output_dir: runs/gsm8k
            model:
              path: models/Qwen2.5-0.5B-Instruct   # a local Hugging Face model directory
            data:
              train_file: data/gsm8k.jsonl         # rows: {"prompt": "...", "answer": "42"}
              max_prompt_length: 256
            rewards:
              - name: correct
                type: numeric_match
                params: {field: answer}
              - name: format
                type: format
                weight: 0.2
            generation:
              num_generations: 8
              max_completion_length: 256
            training:
              max_steps: 500
              per_step_prompts: 8
              micro_batch_size: 8
            loss:
              beta: 0.0                            # no reference model (DAPO, Dr. GRPO)
              epsilon_high: 0.28                   # clip-higher (DAPO)
            """;

    private ConfigDocs() {}

    /** Writes the reference to {@code args[0]} (default {@code docs/configuration.md}). */
    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : DOCS_FILE;
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, render(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    /** The whole Markdown reference. */
    public static String render() {
        StringBuilder b = new StringBuilder();
        b.append("""
                # Configuration reference

                <!-- Generated from the records in io.github.grpo4j.config by ConfigDocs; do not edit.
                     Regenerate: ./mvnw -q test -Dtest=ConfigDocsTest -Dgrpo4j.updateDocs=true -->

                A run is configured by a YAML (or JSON, by the `.json` extension) file whose keys are
                the snake_case names below, grouped in sections. Every key is optional unless its
                "valid" column says otherwise; a key left out has its default. Names and defaults
                follow TRL's `GRPOConfig` where TRL has the option; the math behind each option is in
                [algorithm.md](algorithm.md).

                - **Overrides.** `--set key=value` changes one key after the file is read: dotted keys
                  for sections (`--set loss.beta=0`), an index for list entries
                  (`--set rewards.0.weight=2`). The value is parsed as YAML: `0`, `true`, `null`,
                  `[a, b]`, `{digits: 3}`; quote it to force a string (`--set "generation.stop=['#']"`).
                  An empty value is null.
                - **Checked before any work starts.** Unknown keys (with the closest valid key named),
                  wrong types, out-of-range values and conflicting options are all reported at once,
                  each as `file:line: key: what is wrong; valid: ...` (or `--set key=value: ...`).
                - **Numbers.** YAML 1.1 reads `1e-6` (no dot) as a string; numeric keys accept it
                  anyway. Integers must be whole numbers (`8`, not `8.5`).
                - **Paths** are resolved against the working directory and must exist when the config is
                  loaded.
                - **The resolved config** (every key, defaults filled in) is written to
                  `<output_dir>/config.yaml`; passing it back as `--config` repeats the run.

                A typical file (the sections below list every key):

                ```yaml
                """).append(EXAMPLE).append("```\n\n");
        Map<Class<?>, String> done = new HashMap<>();
        b.append("## GRPO run (`GrpoConfig`)\n\n");
        section(b, GrpoConfig.class, Configs.defaultsOf(GrpoConfig.class), "", "###", done);
        b.append("## Supervised warm start (`SftConfig`)\n\n");
        section(b, SftConfig.class, Configs.defaultsOf(SftConfig.class), "", "###", done);
        b.append("## The built-in run\n\n"
                + "`grpo4j train` without `--config` runs `src/main/resources" + ConfigLoader.DEFAULT_TRAIN_RESOURCE
                + "`:\n\n```yaml\n").append(builtIn()).append("```\n");
        return b.toString();
    }

    private static void section(StringBuilder b, Class<?> type, Object defaults, String path, String heading,
            Map<Class<?>, String> done) {
        done.putIfAbsent(type, path);
        Doc doc = type.getAnnotation(Doc.class);
        if (!path.isEmpty()) {
            b.append(heading).append(" `").append(path).append("`\n\n");
        }
        if (doc != null) {
            b.append(doc.value()).append("\n\n");
        }
        b.append("| key | type | default | valid | description |\n|---|---|---|---|---|\n");
        for (RecordComponent c : type.getRecordComponents()) {
            Doc d = KeyAnnotations.of(c, Doc.class);
            if (d == null) {
                throw new IllegalStateException(type.getSimpleName() + "." + c.getName() + " has no @Doc");
            }
            Object dflt = Configs.get(c, defaults);
            boolean sub = subsection(c) != null;
            b.append("| `").append(Configs.key(c)).append("` | ").append(typeName(c)).append(" | ")
                    .append(sub ? "see below" : "`" + value(dflt) + "`").append(" | ")
                    .append(cell(valid(c))).append(" | ").append(cell(d.value())).append(" |\n");
        }
        b.append('\n');
        for (RecordComponent c : type.getRecordComponents()) {
            Class<?> subType = subsection(c);
            if (subType == null) {
                continue;
            }
            boolean list = c.getType() == List.class;
            String subPath = SourceTree.join(path, Configs.key(c)) + (list ? "[]" : "");
            if (done.containsKey(subType)) {
                b.append(heading).append(" `").append(subPath).append("`\n\nThe same keys as `")
                        .append(done.get(subType)).append("` above.\n\n");
                continue;
            }
            Object nested = list ? null : Configs.get(c, defaults);
            // a list entry's defaults, and an optional section's (null unless set), are its record's own
            section(b, subType, nested == null ? Configs.defaultsOf(subType) : nested, subPath, heading, done);
        }
    }

    /** The record type of a nested section or of a list of sections, else null. */
    static Class<?> subsection(RecordComponent c) {
        if (c.getType().isRecord()) {
            return c.getType();
        }
        if (c.getType() == List.class && c.getGenericType() instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> e && e.isRecord()) {
            return e;
        }
        return null;
    }

    private static String typeName(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == int.class || t == Integer.class || t == long.class) {
            return "integer" + (t == Integer.class ? " or null" : "");
        }
        if (t == double.class || t == Double.class) {
            return "number" + (t == Double.class ? " or null" : "");
        }
        if (t == boolean.class) {
            return "boolean";
        }
        if (t == String.class || t.isEnum()) {
            return "string"; // an option enum is written as one of its names
        }
        if (t == Map.class) {
            return "mapping";
        }
        if (t == Object.class) {
            return "string or mapping";
        }
        if (t.isRecord()) {
            return "section";
        }
        Class<?> e = RecordBinder.rawClass(((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0]);
        return e.isRecord() ? "list of sections" : "list of " + e.getSimpleName().toLowerCase() + "s";
    }

    static String valid(RecordComponent c) {
        Doc d = KeyAnnotations.of(c, Doc.class);
        if (d != null && !d.valid().isEmpty()) {
            return d.valid();
        }
        List<String> options = Configs.options(c);
        if (!options.isEmpty()) {
            String v = options.stream().map(s -> "`" + s + "`").collect(Collectors.joining(", "));
            OneOf oneOf = c.getAnnotation(OneOf.class);
            return oneOf != null && oneOf.nullable() ? "null, " + v : v;
        }
        Range r = KeyAnnotations.of(c, Range.class);
        if (r != null) {
            return ConfigValidator.describe(r);
        }
        return "";
    }

    /** A default value as YAML would show it. */
    static String value(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Double d) {
            return Double.toString(d).replace("E", "e");
        }
        if (v instanceof List<?> l && l.isEmpty()) {
            return "[]";
        }
        if (v instanceof Map<?, ?> m && m.isEmpty()) {
            return "{}";
        }
        if (v instanceof Enum<?> e) {
            return Configs.optionName(e);
        }
        return v.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static String builtIn() {
        try (InputStream in = ConfigDocs.class.getResourceAsStream(ConfigLoader.DEFAULT_TRAIN_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
