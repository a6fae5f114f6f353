package io.github.grpo4j.internal.config;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ConfigException;
import io.github.grpo4j.config.DataSection;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.KeyAnnotations;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.OneOf;
import io.github.grpo4j.config.Range;
import io.github.grpo4j.config.RewardSpec;
import io.github.grpo4j.internal.reward.RewardRegistry;
import io.github.grpo4j.reward.RewardFunction;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a bound config: every {@link Range} and {@link OneOf} annotation, then the rules that
 * involve several keys. Returns problems with key paths; {@link ConfigLoader} adds file and line.
 * Library users who build records in code call {@link #check(Record)}.
 */
public final class ConfigValidator {
    private ConfigValidator() {}

    /**
     * Throws a {@link ConfigException} listing every problem of {@code config}, if any.
     *
     * @param config a {@link GrpoConfig} or {@link SftConfig}
     */
    public static void check(Record config) {
        List<Problem> problems = validate(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(Problem::toString).toList());
        }
    }

    /** Every problem of {@code config} ({@link GrpoConfig} or {@link SftConfig}); empty if valid. */
    public static List<Problem> validate(Record config) {
        List<Problem> problems = new ArrayList<>();
        annotations(config, "", problems);
        if (config instanceof GrpoConfig c) {
            grpoRules(c, problems);
        } else if (config instanceof SftConfig c) {
            sftRules(c, problems);
        }
        return problems;
    }

    /**
     * Problems with the files {@code config} names (train file, model directory, config.json,
     * tokenizer, reference model) that do not exist, resolving relative paths against {@code base}.
     */
    public static List<Problem> checkFiles(Record config, Path base) {
        List<Problem> problems = new ArrayList<>();
        ModelSection model;
        String trainFile;
        if (config instanceof GrpoConfig c) {
            model = c.model();
            trainFile = c.data().trainFile();
        } else if (config instanceof SftConfig c) {
            model = c.model();
            trainFile = c.data().trainFile();
        } else {
            return problems;
        }
        requireFile(base, "data.train_file", trainFile, false, problems);
        if (config instanceof GrpoConfig c) {
            requireFile(base, "data.eval_file", c.data().evalFile(), false, problems);
        }
        requireFile(base, "model.path", model.path(), true, problems);
        requireFile(base, "model.config", model.configPath(), false, problems);
        if (model.tokenizer() != null && !model.tokenizer().startsWith("char:")) {
            requireFile(base, "model.tokenizer", model.tokenizer(), null, problems);
        }
        requireFile(base, "model.ref_model", model.refModel(), true, problems);
        return problems;
    }

    private static void requireFile(Path base, String key, String value, Boolean directory, List<Problem> out) {
        if (value == null || value.isBlank()) {
            return;
        }
        Path p = base.resolve(value);
        boolean ok = directory == null ? Files.exists(p) : directory ? Files.isDirectory(p) : Files.isRegularFile(p);
        if (!ok) {
            String what = directory == null ? "file or directory" : directory ? "directory" : "file";
            out.add(new Problem(key, "'" + value + "': no such " + what + " (" + p.toAbsolutePath().normalize()
                    + "); valid: an existing " + what + ", relative paths resolved against " + base.toAbsolutePath().normalize()));
        }
    }

    // ---- annotation rules, applied to every record reachable from the root

    private static void annotations(Record record, String path, List<Problem> out) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            String key = SourceTree.join(path, Configs.key(c));
            Object value = Configs.get(c, record);
            Range range = KeyAnnotations.of(c, Range.class);
            if (value instanceof Double d && !Double.isFinite(d)) {
                out.add(new Problem(key, d + " is not a finite number; valid: " + describe(range)));
            } else if (range != null && value instanceof Number n && !inRange(n.doubleValue(), range)) {
                out.add(new Problem(key, format(n) + " is out of range; valid: " + describe(range)));
            }
            OneOf oneOf = c.getAnnotation(OneOf.class);
            List<String> options = Configs.options(c);
            if (oneOf != null && value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    Object item = list.get(i);
                    if (!options.contains(item)) {
                        out.add(new Problem(key + "[" + i + "]", notAnOption(String.valueOf(item), options)));
                    }
                }
            } else if (oneOf != null && value != null && !options.contains(value)) {
                out.add(new Problem(key, notAnOption(value.toString(), options)));
            }
            // an option enum can only hold a valid value; null is the one mistake left (a record built in code)
            boolean nullable = oneOf != null && oneOf.nullable();
            if (!options.isEmpty() && value == null && !nullable) {
                out.add(new Problem(key, "must be set; valid: " + String.join(", ", options)));
            }
            if (value instanceof Record r) {
                annotations(r, key, out);
            } else if (value instanceof List<?> list && c.getGenericType() instanceof ParameterizedType) {
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Record r) {
                        annotations(r, key + "[" + i + "]", out);
                    }
                }
            }
        }
    }


    /**
     * Checks a command-line flag that sets a config key against that key's {@link Range}, so a command that
     * takes the value directly (explain, demo) applies the same rule as a config file.
     *
     * @throws Grpo4jException "FLAG: VALUE is out of range; valid: ..." when the value is outside the range
     */
    public static double checkFlag(Class<? extends Record> section, String component, String flag, double value) {
        RecordComponent c = Arrays.stream(section.getRecordComponents()).filter(r -> r.getName().equals(component))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(section.getSimpleName() + " has no " + component));
        Range range = KeyAnnotations.of(c, Range.class);
        if (!Double.isFinite(value)) {
            throw new Grpo4jException(flag + ": " + value + " is not a finite number; valid: " + describe(range));
        }
        if (range != null && !inRange(value, range)) {
            throw new Grpo4jException(flag + ": " + format(value) + " is out of range; valid: " + describe(range));
        }
        return value;
    }

    /** "'x' is not an option (did you mean 'y'?); valid: a, b, c". */
    static String notAnOption(String value, List<String> options) {
        return "'" + value + "' is not an option (did you mean '" + Configs.closest(value, options)
                + "'?); valid: " + String.join(", ", options);
    }

    static boolean inRange(double v, Range r) {
        boolean aboveMin = r.minExclusive() ? v > r.min() : v >= r.min();
        boolean belowMax = r.maxExclusive() ? v < r.max() : v <= r.max();
        return aboveMin && belowMax;
    }

    /** "> 0", "[0, 1)", "≥ 2", "finite", ... */
    static String describe(Range r) {
        if (r == null) {
            return "a finite number";
        }
        boolean hasMin = r.min() != Double.NEGATIVE_INFINITY;
        boolean hasMax = r.max() != Double.POSITIVE_INFINITY;
        if (hasMin && hasMax) {
            return (r.minExclusive() ? "(" : "[") + format(r.min()) + ", " + format(r.max())
                    + (r.maxExclusive() ? ")" : "]");
        }
        if (hasMin) {
            return (r.minExclusive() ? "> " : "≥ ") + format(r.min());
        }
        if (hasMax) {
            return (r.maxExclusive() ? "< " : "≤ ") + format(r.max());
        }
        return "a finite number";
    }

    static String format(Number n) {
        double d = n.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    // ---- rules across keys

    private static void grpoRules(GrpoConfig c, List<Problem> out) {
        notBlank("output_dir", c.outputDir(), out);
        modelRules(c.model(), c.data().task(), out);
        dataSourceRules("data", c.data().trainFile(), c.data().task(), out);
        fieldNames("data", c.data().promptField(), c.data().messagesField(), out);

        Set<String> names = new HashSet<>();
        for (int i = 0; i < c.rewards().size(); i++) {
            RewardSpec r = c.rewards().get(i);
            String p = "rewards[" + i + "]";
            if (r.name() == null || r.name().isBlank()) {
                out.add(new Problem(p + ".name", "must be set; valid: a non-empty name used in metrics"));
            } else if (!names.add(r.name())) {
                out.add(new Problem(p + ".name", "'" + r.name() + "' is used by another reward; valid: unique names"));
            }
            if ("java".equals(r.type()) && (r.className() == null || r.className().isBlank())) {
                out.add(new Problem(p + ".class_name", "must be set for type: java; valid: a fully qualified class name"));
            }
            if (r.className() != null && r.type() != null && !"java".equals(r.type())) {
                out.add(new Problem(p + ".class_name", "is only used with type: java (type is '" + r.type()
                        + "'); valid: null"));
            }
            builtInRewardParams(r, p, out);
        }
        if (c.rewards().isEmpty() && c.data().task() == null) {
            out.add(new Problem("rewards", "no reward functions; valid: a non-empty list of {name, type, weight, params}"
                    + " (only a built-in data.task brings its own reward)"));
        }

        List<String> stop = c.generation().stop();
        for (int i = 0; i < stop.size(); i++) {
            if (stop.get(i).isEmpty()) {
                out.add(new Problem("generation.stop[" + i + "]", "empty stop string; valid: non-empty strings"));
            }
        }
        warmupRules("training", c.training().warmupRatio(), c.training().warmupSteps(), out);

        if (c.loss().lossType() == LossType.CISPO && c.loss().epsilonHigh() == null) {
            out.add(new Problem("loss.epsilon_high", "must be set for loss_type: cispo, where it is ε_max, the cap of "
                    + "the importance weight (not 1 + ε); valid: > 0, e.g. 5.0 (TRL's recommendation)"));
        }
        if (c.loss().multiObjectiveAggregation() == MultiObjectiveAggregation.NORMALIZE_THEN_SUM
                && c.loss().advantageEstimator() != AdvantageEstimator.GRPO) {
            out.add(new Problem("loss.multi_objective_aggregation", "normalize_then_sum (GDPO) needs "
                    + "advantage_estimator: grpo, not '" + Configs.optionName(c.loss().advantageEstimator()) + "'; valid: sum_then_normalize"));
        }
        if (c.data().evalFile() != null && c.data().task() != null) {
            out.add(new Problem("data.eval_file", "is for your own prompts; a built-in data.task evaluates on its "
                    + "own held-out split; valid: null with data.task"));
        }
        Double dual = c.loss().dualClip();
        if (dual != null && dual != 0.0 && !(Double.isFinite(dual) && dual > 1.0)) {
            out.add(new Problem("loss.dual_clip", format(dual) + " is out of range; valid: null or 0 (off), or > 1 (verl uses 3)"));
        }
    }

    /**
     * A built-in reward's parameters (a negative {@code timeout_s}, a bad regex, an unknown key) are
     * checked by building the function, which starts nothing (an external process starts at its
     * first batch), so a mistake is reported before any work rather than when the first batch is scored.
     */
    private static void builtInRewardParams(RewardSpec r, String path, List<Problem> out) {
        if (r.type() == null || !RewardRegistry.types().contains(r.type()) || r.name() == null || r.name().isBlank()) {
            return; // an unknown type or a missing name is reported on its own key
        }
        try (RewardFunction fn = RewardRegistry.create(r.name(), r.type(), r.params())) {
            // built only to check its parameters
        } catch (Grpo4jException e) {
            out.add(new Problem(path + ".params", e.getMessage()));
        }
    }

    private static void sftRules(SftConfig c, List<Problem> out) {
        notBlank("output_dir", c.outputDir(), out);
        modelRules(c.model(), c.data().task(), out);
        dataSourceRules("data", c.data().trainFile(), c.data().task(), out);
        fieldNames("data", c.data().promptField(), c.data().messagesField(), out);
        notBlank("data.completion_field", c.data().completionField(), out);
        String completion = c.data().completionField();
        if (completion != null && (completion.equals(c.data().promptField()) || completion.equals(c.data().messagesField()))) {
            out.add(new Problem("data.completion_field", "'" + completion
                    + "' is also a prompt field; valid: a different field name"));
        }
        if (c.training().microBatchSize() > c.training().batchSize()) {
            out.add(new Problem("training.micro_batch_size", c.training().microBatchSize()
                    + " is larger than batch_size " + c.training().batchSize() + "; valid: 1 to batch_size"));
        }
        warmupRules("training", c.training().warmupRatio(), c.training().warmupSteps(), out);
    }

    /** @param task the built-in task, whose alphabet gives a character tokenizer when none is set */
    private static void modelRules(ModelSection m, String task, List<Problem> out) {
        boolean hasPath = m.path() != null && !m.path().isBlank();
        boolean hasConfig = m.config() != null;
        if (!hasPath && !hasConfig) {
            out.add(new Problem("model", "no model given; valid: `path` (a local Hugging Face model directory) or "
                    + "`config` (a config.json path or inline keys, for a fresh model)"));
        } else if (hasPath && hasConfig) {
            out.add(new Problem("model.config", "both `path` and `config` are set; valid: only one of them"));
        }
        if (hasConfig && !(m.config() instanceof String || m.config() instanceof Map)) {
            out.add(new Problem("model.config", "expected a path string or a mapping"));
        }
        if (m.config() instanceof String s && s.isBlank()) {
            out.add(new Problem("model.config", "empty path; valid: a config.json path or a mapping"));
        }
        String tok = m.tokenizer();
        if (!hasPath && task == null && (tok == null || tok.isBlank())) {
            out.add(new Problem("model.tokenizer", "must be set when neither `path` nor `data.task` is; valid: a "
                    + "tokenizer.json path or char:<alphabet>"));
        }
        if (tok != null && tok.startsWith("char:") && tok.length() == "char:".length()) {
            out.add(new Problem("model.tokenizer", "'char:' has an empty alphabet; valid: char: followed by the "
                    + "characters, e.g. char:0123456789+-="));
        }
    }

    private static void dataSourceRules(String section, String trainFile, String task, List<Problem> out) {
        boolean hasFile = trainFile != null && !trainFile.isBlank();
        if (!hasFile && task == null) {
            out.add(new Problem(section, "no prompts; valid: `train_file` (JSONL or CSV) or `task` ("
                    + String.join(", ", oneOf(DataSection.class, "task")) + ")"));
        } else if (hasFile && task != null) {
            out.add(new Problem(section + ".task", "both `train_file` and `task` are set; valid: only one of them"));
        }
        if (hasFile) {
            String lower = trainFile.toLowerCase(Locale.ROOT);
            if (!(lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".csv"))) {
                out.add(new Problem(section + ".train_file", "'" + trainFile
                        + "' has an unknown format; valid: a path ending in .jsonl, .json or .csv"));
            }
        }
    }

    private static void fieldNames(String section, String prompt, String messages, List<Problem> out) {
        notBlank(section + ".prompt_field", prompt, out);
        notBlank(section + ".messages_field", messages, out);
        if (prompt != null && prompt.equals(messages)) {
            out.add(new Problem(section + ".messages_field", "'" + messages
                    + "' is also the prompt_field; valid: a different field name"));
        }
    }

    private static void warmupRules(String section, double ratio, int steps, List<Problem> out) {
        if (ratio > 0 && steps > 0) {
            out.add(new Problem(section + ".warmup_steps", "both warmup_ratio (" + format(ratio) + ") and warmup_steps ("
                    + steps + ") are set; valid: at most one of them > 0"));
        }
    }

    private static void notBlank(String key, String value, List<Problem> out) {
        if (value == null || value.isBlank()) {
            out.add(new Problem(key, "must be set; valid: a non-empty string"));
        }
    }

    private static List<String> oneOf(Class<?> record, String component) {
        for (RecordComponent c : record.getRecordComponents()) {
            if (c.getName().equals(component)) {
                return List.of(c.getAnnotation(OneOf.class).value());
            }
        }
        throw new IllegalArgumentException(component);
    }
}
