package io.github.grpo4j.internal.config;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.ConfigException;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a YAML or JSON config file, applies {@code --set key=value} overrides, fills defaults, and
 * validates everything before any work starts. All problems are reported together, each with the
 * file and line (or the {@code --set} argument) it comes from, the key, and what is valid.
 *
 * <pre>{@code
 * GrpoConfig c = ConfigLoader.load(Path.of("train.yaml"), List.of("loss.beta=0", "training.max_steps=10"));
 * }</pre>
 */
public final class ConfigLoader {
    /** Classpath resource of the built-in GRPO run (arithmetic task, tiny Qwen2-style model). */
    public static final String DEFAULT_TRAIN_RESOURCE = "/io/github/grpo4j/default-train.yaml";

    private ConfigLoader() {}

    /**
     * Loads a GRPO config: {@code file} (null: defaults only) plus {@code overrides} ("key=value"),
     * validated, with the files it names checked to exist (relative to the working directory).
     *
     * @throws ConfigException listing every problem found
     */
    public static GrpoConfig load(Path file, List<String> overrides) {
        return load(GrpoConfig.class, file, overrides);
    }

    /** Loads a supervised fine-tuning config, like {@link #load(Path, List)}. */
    public static SftConfig loadSft(Path file, List<String> overrides) {
        return load(SftConfig.class, file, overrides);
    }

    /** The built-in GRPO run ({@link #DEFAULT_TRAIN_RESOURCE}) with {@code overrides} applied. */
    public static GrpoConfig loadBuiltIn(List<String> overrides) {
        String resource = forTask(DEFAULT_TRAIN_RESOURCE, overrides);
        String name = resource.substring(resource.lastIndexOf('/') + 1);
        try (InputStream in = ConfigLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            GrpoConfig c = parse(GrpoConfig.class, name, text, overrides);
            throwIfAny(ConfigValidator.checkFiles(c, Path.of("")), SourceTree.empty(name));
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    /**
     * A built-in config resource for the task the overrides name ({@code data.task=calculator} picks
     * {@code default-train-calculator.yaml} when it exists: a task that needs its own lengths or tools),
     * else {@code resource}.
     */
    public static String forTask(String resource, List<String> overrides) {
        String task = null;
        for (String o : overrides) {
            if (o.startsWith("data.task=")) {
                task = o.substring("data.task=".length()).strip();
            }
        }
        if (task == null || task.isEmpty() || !task.matches("[a-z_0-9]+")) {
            return resource;
        }
        String own = resource.replace(".yaml", "-" + task + ".yaml");
        return ConfigLoader.class.getResource(own) != null ? own : resource;
    }

    /**
     * Loads {@code type} ({@link GrpoConfig} or {@link SftConfig}) from {@code file} (YAML, or JSON
     * when the name ends in .json; null: defaults only) with {@code overrides}, validated and with
     * the files it names checked to exist.
     */
    public static <T extends Record> T load(Class<T> type, Path file, List<String> overrides) {
        SourceTree tree;
        if (file == null) {
            tree = SourceTree.empty("(defaults)");
        } else {
            tree = SourceTree.parse(file.toString(), readConfigFile(file), isJson(file.toString()));
        }
        return bindValidateAndCheckFiles(type, tree, overrides, List.of());
    }

    /**
     * Parses config {@code text} named {@code sourceName} in messages (YAML, or JSON when the name
     * ends in .json), applies {@code overrides} and validates; does not check that files exist.
     */
    public static <T extends Record> T parse(Class<T> type, String sourceName, String text, List<String> overrides) {
        return bindAndValidate(type, SourceTree.parse(sourceName, text, isJson(sourceName)), overrides, List.of());
    }

    /**
     * A GRPO config for the library API: {@code text} (a file's contents or a record written back as
     * YAML) plus {@code overrides}, validated except under the sections the caller supplies in code (a
     * policy object instead of {@code model}, reward lambdas instead of {@code rewards}), and with the
     * files it names checked to exist.
     */
    public static GrpoConfig forCode(String sourceName, String text, List<String> overrides, List<String> suppliedInCode) {
        return bindValidateAndCheckFiles(GrpoConfig.class, SourceTree.parse(sourceName, text, isJson(sourceName)),
                overrides, suppliedInCode);
    }

    /** Reads a config file's text, with a one-line error when it is missing or unreadable. */
    public static String readConfigFile(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Grpo4jException("config file not found: " + file.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new Grpo4jException("cannot read config file " + file + ": " + IoErrors.reason(e), e);
        }
    }

    private static <T extends Record> T bindValidateAndCheckFiles(Class<T> type, SourceTree tree,
            List<String> overrides, List<String> suppliedInCode) {
        T config = bindAndValidate(type, tree, overrides, suppliedInCode);
        throwIfAny(ConfigValidator.checkFiles(config, Path.of("")), tree);
        return config;
    }

    private static <T extends Record> T bindAndValidate(Class<T> type, SourceTree tree, List<String> overrides,
            List<String> suppliedInCode) {
        for (String o : overrides == null ? List.<String>of() : overrides) {
            tree.applyOverride(o);
        }
        RecordBinder binder = new RecordBinder();
        T config = binder.bindRoot(tree.root(), type);
        // A value of the wrong type was replaced by its default, so the validator sees a whole
        // record; drop its problems about keys already reported as mistyped (or their sections).
        List<Problem> problems = new ArrayList<>(binder.problems());
        for (Problem p : ConfigValidator.validate(config)) {
            boolean related = binder.problems().stream().anyMatch(b -> nested(b.path(), p.path()) || nested(p.path(), b.path()));
            boolean supplied = suppliedInCode.stream().anyMatch(section -> nested(section, p.path()));
            if (!related && !supplied) {
                problems.add(p);
            }
        }
        throwIfAny(problems, tree);
        return config;
    }

    private static boolean nested(String outer, String inner) {
        return inner.equals(outer) || inner.startsWith(outer + ".") || inner.startsWith(outer + "[");
    }

    /** Throws the problems, located and in file order (file lines first, then --set arguments). */
    private static void throwIfAny(List<Problem> problems, SourceTree tree) {
        if (problems.isEmpty()) {
            return;
        }
        record Located(String origin, Problem problem) {
            long order() {
                int colon = origin.lastIndexOf(':');
                if (origin.startsWith("--set ")) {
                    return Long.MAX_VALUE;
                }
                try {
                    return colon < 0 ? Long.MAX_VALUE - 1 : Long.parseLong(origin.substring(colon + 1));
                } catch (NumberFormatException e) {
                    return Long.MAX_VALUE - 1;
                }
            }
        }
        List<Located> located = new ArrayList<>();
        for (Problem p : problems) {
            located.add(new Located(tree.originOf(p.path()), p));
        }
        located.sort(java.util.Comparator.comparingLong(Located::order)); // stable: same line keeps order
        throw new ConfigException(located.stream().map(l -> l.origin() + ": " + l.problem()).toList());
    }

    private static boolean isJson(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".json");
    }
}
