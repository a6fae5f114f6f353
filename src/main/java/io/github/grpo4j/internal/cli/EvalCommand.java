package io.github.grpo4j.internal.cli;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.data.PromptDataset;
import io.github.grpo4j.internal.data.PromptEncoder;
import io.github.grpo4j.internal.data.tasks.Split;
import io.github.grpo4j.internal.data.tasks.Task;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.train.Evaluator;
import io.github.grpo4j.internal.train.RunParts;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code grpo4j eval}: mean reward and pass@k of a model on a dataset. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate a model: mean reward and pass@k on a dataset or a task's held-out split.",
            "Samples --samples completions per prompt and reports the mean reward and pass@k (the unbiased",
            "estimator of Chen et al. 2021; a completion passes when its reward >= --threshold).",
            "Prompts and reward functions come from a train config (its data and rewards sections), or from",
            "--task (the task's held-out split and verifier)."
        })
public final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory (Hugging Face layout).")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "PEFT LoRA adapter directory (adapter_config.json, adapter_model.safetensors) applied on top of "
                    + "--model, e.g. a run's final/ or checkpoint-N/model/ (default: none).")
    Path adapter;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Train config whose data and rewards to use (default: none; then --task).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (dotted); repeatable (default: none).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--task", description = "Built-in task whose held-out split and verifier to use (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--prompts", description = "Prompts to evaluate at most (default: ${DEFAULT-VALUE}).")
    int prompts = 200;

    @Option(names = {"-n", "--samples"}, description = "Completions per prompt (default: ${DEFAULT-VALUE}).")
    int samples = 1;

    @Option(names = {"-k"}, description = "k of pass@k, at most --samples (default: ${DEFAULT-VALUE}).")
    int k = 1;

    @Option(names = "--temperature", description = "Sampling temperature; 0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature = 0.0;

    @Option(names = "--max-new-tokens", description = "Completion length limit (default: ${DEFAULT-VALUE}).")
    int maxNewTokens = 64;

    @Option(names = "--threshold", description = "Reward at or above which a completion counts as correct (default: ${DEFAULT-VALUE}).")
    double threshold = 1.0;

    @Option(names = "--seed", description = "Seed for sampling and prompt choice (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Override
    public Integer call() {
        if (k < 1 || k > samples) {
            throw new Grpo4jException("-k must be between 1 and --samples (" + samples + "); got " + k);
        }
        if (config == null && task == null) {
            throw new Grpo4jException("give --config (a train config with data and rewards) or --task");
        }
        try (LanguageModelPolicy policy = adapter == null ? LanguageModelPolicy.load(model)
                : LanguageModelPolicy.load(model, adapter)) {
            PromptDataset data;
            RewardSet rewards;
            int maxPrompt;
            if (config != null) {
                GrpoConfig c = ConfigLoader.load(config, overrides);
                Task t = RunParts.task(c.data().task(), c.data().taskOptions());
                data = t != null && c.data().trainFile() == null
                        ? RunParts.taskRows(t, Split.HELD_OUT, prompts, seed)
                        : RunParts.trainData(c.data().trainFile(), c.data().promptField(), c.data().messagesField(), t, seed,
                                prompts);
                rewards = RunParts.rewards(c.rewards(), c.rewardOnError(), t);
                maxPrompt = c.data().maxPromptLength();
            } else {
                Task t = RunParts.task(task, null);
                data = RunParts.taskRows(t, Split.HELD_OUT, prompts, seed);
                rewards = new RewardSet(List.of(t.verifier()), null, io.github.grpo4j.reward.RewardOnError.RAISE);
                maxPrompt = 4096;
            }
            try (rewards) {
                var rows = data.rows().subList(0, Math.min(prompts, data.size()));
                var encoded = io.github.grpo4j.internal.train.Prompts.encode(rows, new PromptEncoder(policy.tokenizer(), maxPrompt));
                SamplingParams sampling = new SamplingParams(temperature, 0, 1.0, 0.0, 1.0, maxNewTokens, List.of());
                Evaluator.Result r = Evaluator.evaluate(policy, encoded, rewards, sampling, samples, k, threshold, seed);
                spec.commandLine().getOut().printf(Locale.ROOT,
                        "prompts %d, samples per prompt %d: mean reward %.4f, pass@%d %.4f, accuracy %.4f%n",
                        r.prompts(), r.samples(), r.meanReward(), k, r.passAtK(), r.accuracy());
                spec.commandLine().getOut().flush();
            }
        }
        return 0;
    }
}
