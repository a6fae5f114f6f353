package io.github.grpo4j.config;

import io.github.grpo4j.reward.RewardOnError;
import java.util.List;

/**
 * A whole GRPO run, as read from a YAML / JSON file (snake_case keys) by {@link ConfigFiles#load} and
 * written back, resolved, into each run's {@code config.yaml}. Names follow TRL's {@code GRPOConfig}.
 *
 * @param seed config key {@code seed}, default {@code 0}. Seed of the run's single random source (data order,
 *     sampling, initialisation). The same seed and config give the same run.
 * @param outputDir config key {@code output_dir}, default {@code runs/grpo}, valid: non-empty. Run directory:
 *     resolved config, metrics, samples, checkpoints, report.
 * @param model config key {@code model}: The policy model.
 * @param data config key {@code data}: The training prompts.
 * @param rewards config key {@code rewards}: Reward functions, summed with their weights. Empty with a
 *     built-in {@code data.task}: the task's verifier ({@code <task>_correct}, weight 1) and format reward
 *     ({@code <task>_format}, weight 0.1).
 * @param rewardOnError config key {@code reward_on_error}, default {@code raise}, valid: {@code raise},
 *     {@code zero}. A reward function that throws: {@code raise} stops the run with the error (naming the
 *     function and prompt); {@code zero} scores that completion 0 and logs a warning.
 * @param generation config key {@code generation}: Rollout sampling.
 * @param training config key {@code training}: Steps, batch shape, optimiser.
 * @param loss config key {@code loss}: The GRPO objective.
 * @param checkpoint config key {@code checkpoint}: Checkpoints.
 * @param logging config key {@code logging}: Metrics, samples, evaluation.
 * @param tools config key {@code tools}: Tools the policy may call (multi-turn rollouts).
 * @param environment config key {@code environment}: A stateful environment the policy plays against
 *     (multi-turn rollouts).
 */
@Doc("A GRPO training run.")
public record GrpoConfig(
        @Doc("Seed of the run's single random source (data order, sampling, initialisation). The "
                + "same seed and config give the same run.")
        @Default("0")
        long seed,
        @Doc(value = "Run directory: resolved config, metrics, samples, checkpoints, report.",
                valid = "non-empty")
        @Default("runs/grpo")
        String outputDir,
        @Doc("The policy model.")
        ModelSection model,
        @Doc("The training prompts.")
        DataSection data,
        @Doc(value = "Reward functions, summed with their weights. Empty with a built-in `data.task`: "
                + "the task's verifier (`<task>_correct`, weight 1) and format reward (`<task>_format`, weight 0.1).",
                valid = "non-empty unless `data.task` is set")
        List<RewardSpec> rewards,
        @Doc("A reward function that throws: `raise` stops the run with the error (naming the "
                + "function and prompt); `zero` scores that completion 0 and logs a warning.")
        @Default("raise")
        RewardOnError rewardOnError,
        @Doc("Rollout sampling.")
        GenerationSection generation,
        @Doc("Steps, batch shape, optimiser.")
        TrainingSection training,
        @Doc("The GRPO objective.")
        LossSection loss,
        @Doc("Checkpoints.")
        CheckpointSection checkpoint,
        @Doc("Metrics, samples, evaluation.")
        LoggingSection logging,
        @Doc("Tools the policy may call (multi-turn rollouts).")
        ToolsSection tools,
        @Doc("A stateful environment the policy plays against (multi-turn rollouts).")
        EnvironmentSection environment) {

    /**
     * Sections left null mean "all defaults", as a section left out of a file does.
     *
     * @param seed config key {@code seed}, see {@link #seed()}
     * @param outputDir config key {@code output_dir}, see {@link #outputDir()}
     * @param model config key {@code model}, see {@link #model()}
     * @param data config key {@code data}, see {@link #data()}
     * @param rewards config key {@code rewards}, see {@link #rewards()}
     * @param rewardOnError config key {@code reward_on_error}, see {@link #rewardOnError()}
     * @param generation config key {@code generation}, see {@link #generation()}
     * @param training config key {@code training}, see {@link #training()}
     * @param loss config key {@code loss}, see {@link #loss()}
     * @param checkpoint config key {@code checkpoint}, see {@link #checkpoint()}
     * @param logging config key {@code logging}, see {@link #logging()}
     * @param tools config key {@code tools}, see {@link #tools()}
     * @param environment config key {@code environment}, see {@link #environment()}
     */
    public GrpoConfig {
        // Library users may leave sections null: they mean "all defaults", as in a file.
        // (the defaults themselves have no null key, so defaults() is only asked for a key left null)
        outputDir = outputDir == null ? defaults().outputDir() : outputDir;
        model = model == null ? ModelSection.defaults() : model;
        data = data == null ? DataSection.defaults() : data;
        rewards = rewards == null ? List.of() : List.copyOf(rewards);
        rewardOnError = rewardOnError == null ? defaults().rewardOnError() : rewardOnError;
        generation = generation == null ? GenerationSection.defaults() : generation;
        training = training == null ? TrainingSection.defaults() : training;
        loss = loss == null ? LossSection.defaults() : loss;
        checkpoint = checkpoint == null ? CheckpointSection.defaults() : checkpoint;
        logging = logging == null ? LoggingSection.defaults() : logging;
        tools = tools == null ? ToolsSection.defaults() : tools;
        environment = environment == null ? EnvironmentSection.defaults() : environment;
    }

    /**
     * A config without an environment.
     *
     * @param seed config key {@code seed}, see {@link #seed()}
     * @param outputDir config key {@code output_dir}, see {@link #outputDir()}
     * @param model config key {@code model}, see {@link #model()}
     * @param data config key {@code data}, see {@link #data()}
     * @param rewards config key {@code rewards}, see {@link #rewards()}
     * @param rewardOnError config key {@code reward_on_error}, see {@link #rewardOnError()}
     * @param generation config key {@code generation}, see {@link #generation()}
     * @param training config key {@code training}, see {@link #training()}
     * @param loss config key {@code loss}, see {@link #loss()}
     * @param checkpoint config key {@code checkpoint}, see {@link #checkpoint()}
     * @param logging config key {@code logging}, see {@link #logging()}
     * @param tools config key {@code tools}, see {@link #tools()}
     */
    public GrpoConfig(long seed, String outputDir, ModelSection model, DataSection data, List<RewardSpec> rewards,
            RewardOnError rewardOnError, GenerationSection generation, TrainingSection training, LossSection loss,
            CheckpointSection checkpoint, LoggingSection logging, ToolsSection tools) {
        this(seed, outputDir, model, data, rewards, rewardOnError, generation, training, loss, checkpoint, logging,
                tools, null);
    }

    /**
     * A config without tools (single-turn rollouts), as before tools existed.
     *
     * @param seed config key {@code seed}, see {@link #seed()}
     * @param outputDir config key {@code output_dir}, see {@link #outputDir()}
     * @param model config key {@code model}, see {@link #model()}
     * @param data config key {@code data}, see {@link #data()}
     * @param rewards config key {@code rewards}, see {@link #rewards()}
     * @param rewardOnError config key {@code reward_on_error}, see {@link #rewardOnError()}
     * @param generation config key {@code generation}, see {@link #generation()}
     * @param training config key {@code training}, see {@link #training()}
     * @param loss config key {@code loss}, see {@link #loss()}
     * @param checkpoint config key {@code checkpoint}, see {@link #checkpoint()}
     * @param logging config key {@code logging}, see {@link #logging()}
     */
    public GrpoConfig(long seed, String outputDir, ModelSection model, DataSection data, List<RewardSpec> rewards,
            RewardOnError rewardOnError, GenerationSection generation, TrainingSection training, LossSection loss,
            CheckpointSection checkpoint, LoggingSection logging) {
        this(seed, outputDir, model, data, rewards, rewardOnError, generation, training, loss, checkpoint, logging,
                null, null);
    }

    /**
     * Every key at its default; {@code model} and {@code data} still have to be chosen.
     *
     * @return the default config
     */
    public static GrpoConfig defaults() {
        return Defaults.of(GrpoConfig.class);
    }
}
