package io.github.grpo4j;

import io.github.grpo4j.config.Default;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.internal.config.ConfigIo;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.data.PromptDataset;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.train.DistributedBackend;
import io.github.grpo4j.internal.train.RunFactory;
import io.github.grpo4j.internal.train.StepRunner;
import io.github.grpo4j.internal.train.TrainingRun;
import io.github.grpo4j.policy.TransformerPolicy;
import io.github.grpo4j.reward.PerCompletionReward;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardOnError;
import io.github.grpo4j.tools.Tool;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * GRPO training from Java: the library counterpart of {@code grpo4j train}, and of TRL's
 * {@code GRPOTrainer(model, reward_funcs, args, train_dataset).train()}.
 *
 * <p>Each step samples G completions for each of a batch of prompts, scores them with the reward
 * functions, turns the rewards into group-relative advantages and updates the policy with the clipped
 * surrogate objective and a KL penalty against a frozen reference model (Shao et al. 2024,
 * <i>DeepSeekMath</i>, arXiv:2402.03300; the formulas, options and defaults are those of
 * docs/algorithm.md and TRL's {@code GRPOConfig}).
 *
 * <pre>{@code
 * try (TransformerPolicy policy = TransformerPolicies.load(Path.of("models/my-model"));
 *      GrpoTrainer trainer = GrpoTrainer.builder()
 *              .policy(policy)
 *              .prompts(List.of(Map.of("prompt", "What is the capital of France?", "answer", "Paris")))
 *              .reward("correct", (prompt, completion, row) -> completion.strip().equals(row.get("answer")) ? 1.0 : 0.0)
 *              .set("training.max_steps=50", "output_dir=runs/capitals")
 *              .onStep(step -> System.out.println(step.metric("reward")))
 *              .build()) {
 *     trainer.train();
 *     trainer.save(Path.of("runs/capitals/model"));   // a Hugging Face model directory
 * }
 * }</pre>
 *
 * <p>Or everything from a config record or file, as the command line does:
 * {@code GrpoTrainer.fromConfig(ConfigFiles.load(Path.of("run.yaml"))).train()}.
 *
 * <p>A run writes its directory ({@code output_dir}): the resolved {@code config.yaml},
 * {@code metrics.jsonl}, {@code samples.jsonl}, atomic checkpoints, {@code final/} and a report.
 * The same seed and config give bit-identical metrics and weights on the same machine and thread count.
 *
 * <p>DJL must run offline: set the system property {@code ai.djl.offline=true} before the first
 * grpo4j call (the PyTorch natives come from the {@code pytorch-native-cpu} jar, not a download).
 */
public final class GrpoTrainer implements AutoCloseable {

    private final GrpoConfig config;
    private final RunFactory parts; // builds or restores every part of the run; owns a policy it builds
    private final List<RewardFunction> rewards;
    private final List<Double> weights;
    private final List<StepListener> listeners;
    private final PrintStream console;
    private final boolean progressBar;
    private final boolean resume;
    private final boolean allowConfigChange;
    private boolean trained;
    private boolean closed;

    private GrpoTrainer(Builder b, RunFactory parts) {
        this.config = parts.config();
        this.parts = parts;
        this.rewards = List.copyOf(b.rewards);
        this.weights = List.copyOf(b.weights);
        this.listeners = List.copyOf(b.listeners);
        this.console = b.console;
        this.progressBar = b.progressBar;
        this.resume = b.resume;
        this.allowConfigChange = b.allowConfigChange;
    }

    /**
     * A builder with every option at its default ({@link GrpoConfig#defaults()}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A trainer whose model, prompts and rewards all come from {@code config} ({@code model},
     * {@code data}, {@code rewards}), as {@code grpo4j train --config} runs it.
     *
     * @param config a complete configuration, e.g. {@link io.github.grpo4j.config.ConfigFiles#load(Path, String...)}
     * @return the trainer; its policy is loaded or built when first needed ({@link #policy()} or {@link #train()})
     * @throws io.github.grpo4j.config.ConfigException when the config is invalid (every problem, by key)
     */
    public static GrpoTrainer fromConfig(GrpoConfig config) {
        return builder().config(config).build();
    }

    /**
     * The resolved configuration: defaults, then the builder's config, then its {@code set} overrides.
     *
     * @return the configuration this trainer runs with
     */
    public GrpoConfig config() {
        return config;
    }

    /**
     * The policy being trained: the builder's, or the one loaded or built from the config's {@code model}
     * (on the first call, or by {@link #train()}, which on resume restores it from the checkpoint instead).
     * It is updated in place by {@link #train()}.
     *
     * @return the policy
     * @throws IllegalStateException when this trainer is closed
     */
    public TransformerPolicy policy() {
        if (closed) {
            throw new IllegalStateException("this GrpoTrainer is closed");
        }
        return parts.policy();
    }

    /**
     * Runs the training to {@code training.max_steps}: the policy ends trained, and
     * {@code output_dir} holds the metrics, samples, checkpoints, {@code final/} model and report.
     * With {@link Builder#resume(boolean)} it continues from the newest checkpoint of {@code output_dir}.
     * Runs once per trainer.
     *
     * @return how the run ended
     * @throws Grpo4jException on bad data, a reward function that throws (with {@code reward_on_error:
     *     raise}), or an {@code output_dir} that already holds another run (without resume)
     */
    public TrainResult train() {
        if (closed) {
            throw new IllegalStateException("this GrpoTrainer is closed");
        }
        if (trained) {
            throw new IllegalStateException("train() runs once per GrpoTrainer; build a new one (with resume(true) to continue)");
        }
        trained = true;
        TrainingRun run = new TrainingRun(parts, console).progressBar(progressBar).allowConfigChange(allowConfigChange);
        listeners.forEach(run::onStep);
        if (rewards.isEmpty()) {
            return run.run(resume);
        }
        try (RewardSet set = new RewardSet(rewards, weights, config.rewardOnError())) {
            parts.rewards(set);
            return run.run(resume);
        }
    }

    /**
     * Writes the policy as a Hugging Face model directory ({@code config.json}, {@code model.safetensors},
     * the tokenizer), loadable with {@link io.github.grpo4j.policy.TransformerPolicies#load(Path)} and by {@code transformers}.
     *
     * @param directory created when missing; existing files of the same names are replaced
     */
    public void save(Path directory) {
        policy().save(directory);
    }

    /**
     * Releases the policy when this trainer built it from the config; a policy passed to
     * {@link Builder#policy} stays open for the caller. Reward functions are closed at the end of
     * {@link #train()}.
     */
    @Override
    public void close() {
        if (!closed) {
            parts.close();
        }
        closed = true;
    }

    /**
     * Collects the parts of a run. Only what the config does not provide is required: a policy (or
     * {@code model} in the config), prompts (or {@code data}), and at least one reward (or
     * {@code rewards}, or a built-in {@code data.task}, which brings its verifier).
     */
    public static final class Builder {
        private GrpoConfig config;
        private Path configFile;
        private final List<String> overrides = new ArrayList<>();
        private TransformerPolicy policy;
        private Iterable<? extends Map<String, ?>> promptRows;
        private Path promptFile;
        private final List<RewardFunction> rewards = new ArrayList<>();
        private final List<Double> weights = new ArrayList<>();
        private final List<StepListener> listeners = new ArrayList<>();
        private final List<Tool> tools = new ArrayList<>();
        private PrintStream console = System.out;
        private boolean progressBar;
        private boolean resume;
        private boolean allowConfigChange;
        private long memoryLimit;
        private Supplier<? extends Environment> environment;
        private StepRunner.Factory spark;

        private Builder() {}

        /**
         * All options at once. Default: {@link GrpoConfig#defaults()}. {@link #set} overrides apply on top.
         *
         * @param config the options; sections left null mean their defaults
         * @return this builder
         */
        public Builder config(GrpoConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            this.configFile = null;
            return this;
        }

        /**
         * All options from a YAML or JSON config file (the command line's {@code --config}); errors name
         * the file, line and key. {@link #set} overrides apply on top.
         *
         * @param file a {@code .yaml}, {@code .yml} or {@code .json} file
         * @return this builder
         */
        public Builder config(Path file) {
            this.configFile = Objects.requireNonNull(file, "file");
            this.config = null;
            return this;
        }

        /**
         * Overrides with the config file's dotted keys, e.g. {@code "loss.beta=0"} or
         * {@code "generation.num_generations=8"}; the value is read as YAML. Every key, its default and
         * its source paper are listed in docs/configuration.md.
         *
         * @param keyValues {@code key=value} strings, applied in order
         * @return this builder
         */
        public Builder set(String... keyValues) {
            overrides.addAll(List.of(keyValues));
            return this;
        }

        /**
         * The policy to train, updated in place; it stays open for the caller. Default: built from the
         * config's {@code model} section. The reference model for the KL penalty is a frozen copy of it
         * as passed, unless {@code model.ref_model} names one.
         *
         * @param policy e.g. {@link io.github.grpo4j.policy.TransformerPolicies#load(Path)}
         * @return this builder
         */
        public Builder policy(TransformerPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Prompt rows, as a dataset file's rows would be: a {@code prompt} string (or chat {@code messages},
         * a list of {@code {role, content}} maps; the field names are {@code data.prompt_field} and
         * {@code data.messages_field}); every other field is passed to the reward functions. Default: the
         * config's {@code data} section. Read by {@link #build()}, which names the row when one has no prompt.
         *
         * @param rows at least one row
         * @return this builder
         */
        public Builder prompts(Iterable<? extends Map<String, ?>> rows) {
            this.promptRows = Objects.requireNonNull(rows, "rows");
            this.promptFile = null;
            return this;
        }

        /**
         * Prompt rows from a JSONL, JSON or CSV file, read by {@link #build()} (errors name the file and line).
         *
         * @param file the dataset
         * @return this builder
         */
        public Builder prompts(Path file) {
            this.promptFile = Objects.requireNonNull(file, "file");
            this.promptRows = null;
            return this;
        }

        /**
         * A reward with weight 1 from a lambda over (prompt, completion, row).
         *
         * @param name unique name, used in metrics ({@code rewards/<name>/mean})
         * @param fn   returns a finite score, or null when it does not apply to this completion
         * @return this builder
         */
        public Builder reward(String name, PerCompletionReward fn) {
            return reward(RewardFunction.of(name, fn), 1.0);
        }

        /**
         * A reward function with its weight: the total reward is R = Σ_k w_k·r_k over the functions
         * that apply (TRL's {@code reward_weights}). Rewards given here replace the config's {@code rewards}.
         *
         * @param fn     the function; closed at the end of {@link #train()}
         * @param weight its weight w_k
         * @return this builder
         */
        public Builder reward(RewardFunction fn, double weight) {
            rewards.add(Objects.requireNonNull(fn, "fn"));
            weights.add(weight);
            return this;
        }

        /**
         * What a reward function that throws does. Default {@link RewardOnError#RAISE}: stop the run.
         * Same as {@code set("reward_on_error=zero")}.
         *
         * @param onError the policy
         * @return this builder
         */
        public Builder rewardOnError(RewardOnError onError) {
            return set("reward_on_error=" + onError.configName());
        }

        /**
         * A tool the policy may call, besides the config's {@code tools.functions}: with any tool, every
         * rollout is a multi-turn episode whose tool results are context, masked out of the loss
         * (docs/tools.md). Closed at the end of {@link #train()}.
         *
         * @param tool the tool; its name is unique among the run's tools
         * @return this builder
         */
        public Builder tool(Tool tool) {
            tools.add(Objects.requireNonNull(tool, "tool"));
            return this;
        }

        /**
         * Adds a listener called with every step's metrics and completions, after the step is logged.
         *
         * @param listener called on the training thread
         * @return this builder
         */
        public Builder onStep(StepListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Where the per-step metrics lines and the summary go. Default: {@code System.out}.
         *
         * @param console the stream; pass a null-output stream to be silent
         * @return this builder
         */
        public Builder console(PrintStream console) {
            this.console = Objects.requireNonNull(console, "console");
            return this;
        }

        /**
         * Shows a progress bar on the console while training. Default: false.
         *
         * @param show whether to show it
         * @return this builder
         */
        public Builder progressBar(boolean show) {
            this.progressBar = show;
            return this;
        }

        /**
         * Continues the run in {@code output_dir} from its newest complete checkpoint (policy, reference,
         * optimizer state, data position); nothing else is lost. Steps logged after that checkpoint are
         * dropped from the logs and redone; with no checkpoint the run starts over. The config must be the
         * one the run was started with (see {@link #allowConfigChange}). Default: false, and then an
         * {@code output_dir} that already holds a run is an error.
         *
         * @param resume whether to resume
         * @return this builder
         */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /**
         * With {@link #resume(boolean)}: whether the run may continue with a config that differs from the
         * {@code config.yaml} it was started with. Default: false, and then each changed key is named in
         * an error. When true, the earlier file is kept as {@code config-N.yaml} and {@code config.yaml}
         * describes the continued run. A changed seed is refused either way.
         *
         * @param allow whether changes are accepted
         * @return this builder
         */
        public Builder allowConfigChange(boolean allow) {
            this.allowConfigChange = allow;
            return this;
        }

        /**
         * The memory the run may use, in bytes: before anything is loaded, {@link GrpoTrainer#train()}
         * prints its estimate of the run's peak and refuses a run that would need more, naming settings
         * that would fit. Default: 0, the machine's memory ({@code /proc/meminfo}). The command line's
         * {@code --memory-limit}.
         *
         * @param bytes the limit in bytes, or 0 for the machine's
         * @return this builder
         */
        public Builder memoryLimit(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("memoryLimit must be >= 0 bytes, got " + bytes);
            }
            this.memoryLimit = bytes;
            return this;
        }

        /**
         * Runs each step's prompt groups on an Apache Spark cluster while this process keeps the weights and
         * the optimizer (docs/distributed.md); the command line's {@code --spark}. The executors build the
         * policy, rewards, tools and environment from the config, so none may be passed as objects.
         * Implies {@code training.rollout_seeding: group} (each prompt group sampled from its own seed, so
         * the run samples what the same config with that option samples on one machine).
         * Default: every step on this machine.
         *
         * @param master the cluster: {@code local[2]}, {@code spark://host:7077}
         * @return this builder
         * @throws Grpo4jException at once, in one line saying how to build it, when the {@code grpo4j-spark}
         *     module is not on the class path
         */
        public Builder spark(String master) {
            this.spark = DistributedBackend.find("spark").runners(Objects.requireNonNull(master, "master"));
            return this;
        }

        /**
         * Plays every rollout as a multi-turn episode against a stateful environment (a game, a multi-step
         * task): {@code factory} makes one {@link Environment} per episode, reset with the episode's dataset
         * row; its messages are context the loss ignores, and its rewards reach the reward functions as the
         * row field {@code environment_reward} (the {@code environment} reward type passes it on). Instead of
         * the config's {@code environment} section.
         *
         * @param factory makes a new environment per episode
         * @return this builder
         */
        public Builder environment(Supplier<? extends Environment> factory) {
            this.environment = factory;
            return this;
        }

        /**
         * Validates the configuration and builds the trainer. The policy, when none was given, is loaded
         * or built from the config's {@code model} when first needed ({@link GrpoTrainer#policy()} or
         * {@link GrpoTrainer#train()}), after the memory check.
         *
         * @return the trainer
         * @throws io.github.grpo4j.config.ConfigException listing every invalid option, by key
         * @throws Grpo4jException when a required part is missing from both the code and the config, or the
         *     prompt rows are invalid
         */
        public GrpoTrainer build() {
            List<String> supplied = new ArrayList<>();
            if (policy != null) {
                supplied.add("model");
            }
            if (promptRows != null || promptFile != null) {
                supplied.add("data");
            }
            if (!rewards.isEmpty()) {
                supplied.add("rewards");
            }
            String source = configFile != null ? configFile.toString() : "GrpoTrainer config";
            String text = configFile != null ? ConfigLoader.readConfigFile(configFile)
                    : ConfigIo.toYaml(config != null ? config : GrpoConfig.defaults());
            // Spark generates each prompt group from a seed of its own; the run's config says so (and a resume
            // without --spark then samples the same); an explicit set(...) of batch seeding is refused later
            List<String> all = overrides;
            if (spark != null) {
                all = new ArrayList<>(overrides);
                all.add(0, "training.rollout_seeding=group");
            }
            GrpoConfig resolved = ConfigLoader.forCode(source, text, all, supplied);
            String promptField = resolved.data().promptField();
            String messagesField = resolved.data().messagesField();
            PromptDataset prompts = promptRows != null ? PromptDataset.fromMaps("prompts", promptRows, promptField, messagesField)
                    : promptFile != null ? PromptDataset.load(promptFile, promptField, messagesField) : null;
            RunFactory parts = new RunFactory(resolved).memoryLimit(memoryLimit); // the one place the task is built
            if (rewards.isEmpty() && resolved.rewards().isEmpty() && parts.task() == null) {
                throw new Grpo4jException("GrpoTrainer needs at least one reward: builder().reward(name, (prompt, completion, row) -> ...), "
                        + "rewards in the config, or a built-in data.task");
            }
            if (policy != null) {
                parts.policy(policy);
            }
            if (prompts != null) {
                parts.prompts(prompts);
            }
            if (environment != null) {
                parts.environment(environment);
            }
            if (spark != null) {
                if (policy != null || !rewards.isEmpty() || !tools.isEmpty() || environment != null) {
                    throw new Grpo4jException("spark(master): the executors build the policy, rewards, tools and "
                            + "environment from the config; pass them in the config instead of as objects");
                }
                parts.stepRunner(spark);
            }
            if (!tools.isEmpty()) {
                parts.tools(tools);
            }
            return new GrpoTrainer(this, parts);
        }
    }
}
