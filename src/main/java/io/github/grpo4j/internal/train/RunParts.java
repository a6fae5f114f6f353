package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.config.RewardSpec;
import io.github.grpo4j.internal.IoErrors;
import io.github.grpo4j.internal.data.PromptDataset;
import io.github.grpo4j.internal.data.PromptRow;
import io.github.grpo4j.internal.data.tasks.Split;
import io.github.grpo4j.internal.data.tasks.Task;
import io.github.grpo4j.internal.data.tasks.Tasks;
import io.github.grpo4j.internal.model.ModelParts;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.reward.RewardRegistry;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.tokenizer.Tokenizers;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardOnError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds what a run is made of from its configuration: tokenizer, policy, data, rewards. */
public final class RunParts {
    private RunParts() {}

    /** Weight of a built-in task's format reward when no rewards are configured (the verifier has 1). */
    public static final double TASK_FORMAT_WEIGHT = 0.1;

    /** The tokenizer: {@code char:<alphabet>}, a directory, the model's own, or the task's alphabet. */
    public static Tokenizer tokenizer(ModelSection model, Task task) {
        return Tokenizers.forModel(model, task == null ? null : task.alphabet());
    }

    /**
     * The policy to train: loaded from {@code model.path}, or a fresh model built from
     * {@code model.config} (vocabulary size and special tokens filled in from the tokenizer).
     */
    public static LanguageModelPolicy policy(ModelSection model, Tokenizer tokenizer, long seed) {
        return new LanguageModelPolicy(
                ModelParts.transformer(model, tokenizer, Seeds.of(seed, 0, Seeds.INIT), Seeds.of(seed, 0, Seeds.LORA)),
                tokenizer);
    }

    /** The reference model named by {@code model.ref_model}, or null to copy the initial policy. */
    public static LanguageModelPolicy reference(ModelSection model, Tokenizer tokenizer) {
        return model.refModel() == null ? null
                : new LanguageModelPolicy(Transformer.load(Path.of(model.refModel())), tokenizer);
    }

    /** The built-in task named by {@code data.task}, or null. */
    public static Task task(String name, Map<String, Object> options) {
        return name == null ? null : Tasks.create(name, options == null ? Map.of() : options);
    }

    /**
     * Training prompts: a file, or {@code taskRows} problems drawn from the task's training split (fresh
     * draws that may repeat, as many as the run consumes, so a run never cycles through a small set).
     */
    public static PromptDataset trainData(String trainFile, String promptField, String messagesField, Task task,
            long seed, int taskRows) {
        if (trainFile != null) {
            return PromptDataset.load(Path.of(trainFile), promptField, messagesField);
        }
        if (task == null) {
            throw new Grpo4jException("set data.train_file (JSONL or CSV) or data.task (" + String.join(", ", Tasks.names())
                    + ")");
        }
        java.util.Iterator<Map<String, Object>> stream = task.stream(Split.TRAIN, seed);
        List<Map<String, Object>> rows = new ArrayList<>(taskRows);
        for (int i = 0; i < Math.max(1, taskRows); i++) {
            rows.add(stream.next());
        }
        return dataset(task, Split.TRAIN, rows);
    }

    /** {@code count} distinct problems of a task's split, as dataset rows. */
    public static PromptDataset taskRows(Task task, Split split, int count, long seed) {
        return dataset(task, split, task.rows(split, count, seed));
    }

    private static PromptDataset dataset(Task task, Split split, List<Map<String, Object>> rows) {
        List<PromptRow> out = new ArrayList<>(rows.size());
        int line = 1;
        for (Map<String, Object> r : rows) {
            Map<String, Object> fields = new LinkedHashMap<>(r);
            Object prompt = fields.remove("prompt");
            out.add(new PromptRow(line++, String.valueOf(prompt), null, fields));
        }
        return PromptDataset.of("task:" + task.name() + "/" + split.name().toLowerCase(), out);
    }

    /** The reward functions of the config, or the task's own when none are listed. */
    public static RewardSet rewards(List<RewardSpec> specs, RewardOnError onError, Task task) {
        List<RewardFunction> fns = new ArrayList<>();
        List<Double> weights = new ArrayList<>();
        if (specs == null || specs.isEmpty()) {
            if (task == null) {
                throw new Grpo4jException("no rewards configured: list reward functions under `rewards` or use data.task");
            }
            // the verifier is what the task asks; the format reward only nudges towards answer-shaped output
            fns.add(task.verifier());
            weights.add(1.0);
            fns.add(task.format());
            weights.add(TASK_FORMAT_WEIGHT);
        } else {
            for (RewardSpec s : specs) {
                fns.add(create(s));
                weights.add(s.weight());
            }
        }
        return new RewardSet(fns, weights, onError);
    }

    private static RewardFunction create(RewardSpec s) {
        Map<String, Object> params = s.params() == null ? Map.of() : s.params();
        String name = s.name() != null ? s.name() : s.type();
        if ("java".equals(s.type())) {
            try {
                Class<?> c = Class.forName(s.className());
                Object fn = c.getDeclaredConstructor().newInstance();
                if (!(fn instanceof RewardFunction rf)) {
                    throw new Grpo4jException("reward " + name + ": class " + s.className() + " does not implement "
                            + RewardFunction.class.getName());
                }
                return rf;
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new Grpo4jException("reward " + name + ": cannot create class " + s.className()
                        + " (needs a public no-argument constructor, on the class path): " + e, e);
            }
        }
        return RewardRegistry.create(name, s.type(), params);
    }

    /** Creates a run directory (and its parents) if needed. */
    static void ensureDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Grpo4jException("cannot create " + dir + ": " + IoErrors.reason(e), e);
        }
    }
}
