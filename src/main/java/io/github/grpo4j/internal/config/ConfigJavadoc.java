package io.github.grpo4j.internal.config;

import io.github.grpo4j.config.Doc;
import io.github.grpo4j.config.KeyAnnotations;
import io.github.grpo4j.config.GrpoConfig;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the {@code @param} tags of the public config records' Javadoc from their {@link Doc}
 * annotations and defaults, so that the Javadoc, {@code docs/configuration.md} and the code say the same
 * thing: each tag gives the config key, the default, the valid values, and the meaning with its source
 * (paper or TRL). {@code ConfigJavadocTest} fails when a source file is stale and rewrites it with
 * {@code -Dgrpo4j.updateDocs=true}.
 */
public final class ConfigJavadoc {
    private ConfigJavadoc() {}

    /** Where the public config records live, relative to the project root. */
    public static final Path SOURCE_DIR = Path.of("src", "main", "java", "io", "github", "grpo4j", "config");

    private static final int WIDTH = 110;

    /** Every public config record reachable from {@link GrpoConfig}, with its defaults. */
    public static Map<Class<?>, Object> records() {
        Map<Class<?>, Object> out = new LinkedHashMap<>();
        collect(GrpoConfig.class, GrpoConfig.defaults(), out);
        return out;
    }

    private static void collect(Class<?> type, Object defaults, Map<Class<?>, Object> out) {
        if (out.containsKey(type)) {
            return;
        }
        out.put(type, defaults);
        for (RecordComponent c : type.getRecordComponents()) {
            Class<?> sub = ConfigDocs.subsection(c);
            if (sub != null) {
                // a list entry's and an optional section's defaults are its record's; a nested section's are
                // the parent's value
                Object nested = c.getType() == List.class ? null : Configs.get(c, defaults);
                collect(sub, nested == null ? Configs.defaultsOf(sub) : nested, out); // optional sections: null

            }
        }
    }

    /**
     * {@code source} (the record's file) with the block tags of the record's doc comment replaced by
     * generated {@code @param} tags; the description above them is kept.
     */
    public static String rewrite(Class<?> type, Object defaults, String source) {
        Matcher m = Pattern.compile("(?s)/\\*\\*(.*?)\\*/\\s*\\n(?=(@\\w+(\\(.*?\\))?\\s*\\n)*public record "
                + type.getSimpleName() + "\\b)").matcher(source);
        if (!m.find()) {
            throw new IllegalStateException(type.getSimpleName() + ": no doc comment before its record declaration");
        }
        List<String> description = new ArrayList<>();
        for (String line : m.group(1).split("\n")) {
            String text = line.replaceFirst("^\\s*\\* ?", "");
            if (text.startsWith("@")) {
                break;
            }
            description.add(text);
        }
        while (!description.isEmpty() && description.get(description.size() - 1).isBlank()) {
            description.remove(description.size() - 1);
        }
        while (!description.isEmpty() && description.get(0).isBlank()) {
            description.remove(0);
        }
        StringBuilder b = new StringBuilder("/**\n");
        for (String line : description) {
            b.append(line.isEmpty() ? " *" : " * " + line).append('\n');
        }
        b.append(" *\n");
        for (RecordComponent c : type.getRecordComponents()) {
            for (String line : wrap("@param " + c.getName() + " " + param(c, defaults))) {
                b.append(line).append('\n');
            }
        }
        b.append(" */\n");
        return compactConstructor(type, source.substring(0, m.start()) + b + source.substring(m.end()));
    }

    /** The compact constructor's doc comment, when it has one: its description kept, a tag per component. */
    private static String compactConstructor(Class<?> type, String source) {
        Matcher m = Pattern.compile("(?s)    /\\*\\*(.*?)\\*/\n(?=    public " + type.getSimpleName() + " \\{)").matcher(source);
        if (!m.find()) {
            return source;
        }
        StringBuilder description = new StringBuilder();
        for (String line : m.group(1).split("\n")) {
            String text = line.replaceFirst("^\\s*\\* ?", "").strip();
            if (text.startsWith("@")) {
                break;
            }
            description.append(description.isEmpty() || text.isEmpty() ? "" : " ").append(text);
        }
        StringBuilder b = new StringBuilder("    /**\n");
        for (String line : wrap(description.toString().strip())) {
            b.append("    ").append(line).append('\n');
        }
        b.append("     *\n");
        for (RecordComponent c : type.getRecordComponents()) {
            b.append("     * @param ").append(c.getName()).append(" config key {@code ").append(Configs.key(c))
                    .append("}, see {@link #").append(c.getName()).append("()}\n");
        }
        b.append("     */\n");
        return source.substring(0, m.start()) + b + source.substring(m.end());
    }

    private static String param(RecordComponent c, Object defaults) {
        Doc d = KeyAnnotations.of(c, Doc.class);
        if (d == null) {
            throw new IllegalStateException(c.getDeclaringRecord().getSimpleName() + "." + c.getName() + " has no @Doc");
        }
        String key = "{@code " + Configs.key(c) + "}";
        if (ConfigDocs.subsection(c) != null) {
            return "config key " + key + ": " + javadoc(d.value());
        }
        String valid = ConfigDocs.valid(c);
        return "config key " + key + ", default {@code " + ConfigDocs.value(Configs.get(c, defaults)) + "}"
                + (valid.isEmpty() ? "" : ", valid: " + javadoc(valid)) + ". " + javadoc(d.value());
    }

    /** Markdown's {@code `code`} to {@code {@code code}}, and HTML's special characters escaped elsewhere. */
    static String javadoc(String markdown) {
        StringBuilder b = new StringBuilder();
        String[] parts = markdown.split("`", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i % 2 == 1 && i < parts.length - 1) {
                b.append("{@code ").append(parts[i]).append('}');
            } else {
                b.append(parts[i].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                        .replace("@", "&#64;"));
            }
        }
        return b.toString();
    }

    private static List<String> wrap(String text) {
        // a {@code ...} span is never broken across lines: its spaces are held as NUL while splitting
        Matcher code = Pattern.compile("\\{@code [^}]*}").matcher(text);
        StringBuilder held = new StringBuilder();
        while (code.find()) {
            code.appendReplacement(held, Matcher.quoteReplacement(code.group().replace(' ', '\0')));
        }
        code.appendTail(held);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(" *");
        boolean first = true;
        for (String heldWord : held.toString().split(" ")) {
            String word = heldWord.replace('\0', ' ');
            if (line.length() + 1 + word.length() > WIDTH && !first) {
                lines.add(line.toString());
                line = new StringBuilder(" *    ");
            }
            line.append(' ').append(word);
            first = false;
        }
        lines.add(line.toString());
        return lines;
    }
}
