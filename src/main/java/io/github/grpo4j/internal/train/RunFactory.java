package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.RefParamOffload;
import io.github.grpo4j.config.TrainingSection;
import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.internal.OptionNames;
import io.github.grpo4j.internal.agent.MultiTurnRollout;
import io.github.grpo4j.internal.agent.ToolTurns;
import io.github.grpo4j.internal.agent.ToolsInTemplate;
import io.github.grpo4j.internal.data.DataPosition;
import io.github.grpo4j.internal.data.PromptDataset;
import io.github.grpo4j.internal.data.PromptEncoder;
import io.github.grpo4j.internal.data.PromptRow;
import io.github.grpo4j.internal.data.PromptSampler;
import io.github.grpo4j.internal.data.tasks.Split;
import io.github.grpo4j.internal.data.tasks.Task;
import io.github.grpo4j.internal.environment.EnvironmentPool;
import io.github.grpo4j.internal.environment.Environments;
import io.github.grpo4j.internal.model.MemorySettings;
import io.github.grpo4j.internal.model.ModelConfig;
import io.github.grpo4j.internal.model.ModelParts;
import io.github.grpo4j.internal.model.PeftAdapter;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.tensor.NativeAllocator;
import io.github.grpo4j.internal.tokenizer.ChatTemplate;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.tools.ToolBox;
import io.github.grpo4j.internal.tools.ToolCallFormat;
import io.github.grpo4j.internal.tools.ToolCallParser;
import io.github.grpo4j.internal.tools.Tools;
import io.github.grpo4j.policy.TransformerPolicy;
import io.github.grpo4j.tools.Tool;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds or restores every part of a run from its config and what a caller supplied in code instead
 * (a policy, prompts, rewards, tools, an environment, a distributed step runner): the task (once), the
 * tokenizer, the policy, the reference, the step runner with its optimizer, the data, the rewards, the
 * tools and environments; on resume, the policy, reference, optimizer, counters and data position from a
 * checkpoint. {@link TrainingRun} only loops over what {@link #build} returns.
 *
 * <p>The factory owns the policy it builds (closed by {@link #close()}), so a caller can use and save it
 * after the run; a supplied policy stays the caller's.
 */
public final class RunFactory implements AutoCloseable {

    private final GrpoConfig config;
    private final Task task;
    private LanguageModelPolicy policy; // the caller's, or built here (then owned)
    private boolean ownsPolicy;
    private Tokenizer tokenizer;
    private PromptDataset prompts;
    private RewardSet rewards;
    private List<Tool> tools = List.of();
    private ToolCallParser parser;
    private Supplier<? extends Environment> environment;
    private StepRunner.Factory runners = RunFactory::localRunner;
    private long memoryLimit;

    /** @param config the resolved, validated configuration */
    public RunFactory(GrpoConfig config) {
        this.config = config;
        this.task = RunParts.task(config.data().task(), config.data().taskOptions());
    }

    /** The configuration every part is built from. */
    public GrpoConfig config() {
        return config;
    }

    /** The built-in task {@code data.task} names, or null. */
    public Task task() {
        return task;
    }

    /**
     * Trains this policy instead of building one from {@code model} in the config. The caller keeps
     * ownership: it is trained in place and left open. It is also the reference model (a frozen copy)
     * unless {@code model.ref_model} names one.
     */
    public RunFactory policy(TransformerPolicy given) {
        if (!(given instanceof LanguageModelPolicy lm)) {
            throw new Grpo4jException("GrpoTrainer trains the policies TransformerPolicies builds (load or fromConfig), not a "
                    + given.getClass().getName());
        }
        this.policy = lm;
        this.ownsPolicy = false;
        return this;
    }

    /** Trains on these prompts instead of the config's {@code data} file or task. */
    public RunFactory prompts(PromptDataset rows) {
        this.prompts = rows;
        return this;
    }

    /** Scores with these reward functions instead of the config's {@code rewards}; the caller closes them. */
    public RunFactory rewards(RewardSet set) {
        this.rewards = set;
        return this;
    }

    /**
     * Lets the policy call these tools too (besides the config's {@code tools.functions}): rollouts become
     * multi-turn episodes. They are closed with the run's parts.
     */
    public RunFactory tools(List<? extends Tool> list) {
        this.tools = List.copyOf(list);
        return this;
    }

    /** Reads tool calls with this parser instead of the format {@code tools.call_format} names. */
    public RunFactory toolCallParser(ToolCallParser toolCallParser) {
        this.parser = toolCallParser;
        return this;
    }

    /**
     * Plays episodes against environments from this factory (one per episode) instead of the config's
     * {@code environment}: rollouts become multi-turn episodes.
     */
    public RunFactory environment(Supplier<? extends Environment> factory) {
        this.environment = factory;
        return this;
    }

    /**
     * Runs the steps with {@code factory}'s runner instead of a {@link GrpoStepTrainer} on this machine (a
     * distributed runner; null: this machine); the run loop, metrics, checkpoints and resume stay the same.
     */
    public RunFactory stepRunner(StepRunner.Factory factory) {
        this.runners = factory != null ? factory : RunFactory::localRunner;
        return this;
    }

    /**
     * The default runner: every step on this machine, a {@link GrpoStepTrainer} set up from {@code config}
     * (a {@link StepRunner.Factory}; the Spark module's tests compare their runner with it).
     *
     * @param config    the run's configuration
     * @param policy    the policy to train
     * @param reference the reference, or null for the trainer's default
     * @param options   the step options of {@code config}
     * @param rewards   the run's reward functions
     * @param multiTurn multi-turn rollouts with tools, or null
     * @return the trainer
     */
    public static StepRunner localRunner(GrpoConfig config, TransformerPolicy policy, TransformerPolicy reference,
            GrpoStepTrainer.Options options, RewardSet rewards, MultiTurnRollout multiTurn) {
        GrpoStepTrainer trainer = new GrpoStepTrainer(policy, reference, options, rewards)
                .dynamicSampling(dynamicSampling(config.training()))
                .rolloutSeeding(config.training().rolloutSeeding());
        trainer.multiTurn(multiTurn);
        return trainer;
    }

    /**
     * The memory the run may use, in bytes, instead of the machine's ({@code /proc/meminfo}); a run whose
     * estimated peak is larger is refused before anything is loaded. 0: the machine's.
     */
    public RunFactory memoryLimit(long bytes) {
        this.memoryLimit = bytes;
        return this;
    }

    /** The tokenizer: the policy's, else the one the config names (built once). */
    public Tokenizer tokenizer() {
        if (policy != null) {
            return policy.tokenizer();
        }
        if (tokenizer == null) {
            tokenizer = RunParts.tokenizer(config.model(), task);
        }
        return tokenizer;
    }

    /** The policy to train: the caller's, or loaded or built from the config's {@code model} on first use. */
    public LanguageModelPolicy policy() {
        if (policy == null) {
            policy = RunParts.policy(config.model(), tokenizer(), config.seed());
            ownsPolicy = true;
        }
        return policy;
    }

    /** How the policy trades compute for memory: {@code logprob_chunk_size}, {@code gradient_checkpointing}. */
    public static MemorySettings memorySettings(TrainingSection t) {
        return new MemorySettings(t.logprobChunkSize(), t.gradientCheckpointing());
    }

    /** The shape of a config's run for the memory estimate. */
    public static MemoryEstimate.Workload workload(GrpoConfig c, ModelConfig model) {
        int maxNew = c.generation().samplingParams().maxNewTokens();
        int prompt = Math.max(1, Math.min(c.data().maxPromptLength(), model.maxPositionEmbeddings() - maxNew));
        // one generation samples steps_per_generation steps' prompts, and their rows stay until its last step
        int rows = c.training().perStepPrompts() * c.training().stepsPerGeneration() * c.generation().numGenerations();
        return new MemoryEstimate.Workload(model, rows,
                c.training().microBatchSize(), prompt, maxNew, c.loss().beta() > 0, memorySettings(c.training()),
                trainsAdapters(c), offloadsReference(c, model.parameterCount() * 4));
    }

    /** Whether a config's run keeps its reference's weights in a file ({@code training.ref_param_offload}). */
    public static boolean offloadsReference(GrpoConfig c, long weightBytes) {
        return c.training().refParamOffload().offloads(!trainsAdapters(c), c.loss().beta() > 0,
                c.loss().refModelSyncSteps(), weightBytes);
    }

    /** Whether a config trains LoRA adapters (new ones, or loaded with {@code model.adapter}), not every weight. */
    private static boolean trainsAdapters(GrpoConfig c) {
        return c.model().lora() != null || c.model().adapter() != null;
    }

    /** DAPO's dynamic sampling as a config sets it. */
    public static DynamicSampling.Options dynamicSampling(TrainingSection t) {
        return new DynamicSampling.Options(t.dynamicSampling(), t.maxGenerationBatches());
    }

    /**
     * Everything one run loops over. Closing it releases what was built for the run (the step trainer
     * with its optimizer and reference, the config's rewards, the tools); the policy is the factory's or
     * the caller's.
     *
     * @param task       the built-in task, or null
     * @param encoder    turns prompt rows into token ids (with the tools' schemas when there are tools)
     * @param multiTurn  the tool-calling rollout, or null for single-turn completions
     * @param policy     the policy being trained
     * @param rewards    the reward functions
     * @param trainer    the step trainer, its optimizer restored on resume
     * @param sampler    the training prompts, at the checkpoint's position on resume
     * @param heldOut    the task's held-out prompts for accuracy (empty without a task or evaluation)
     * @param evalData   the {@code data.eval_file} evaluation, or null
     * @param start      the last step done before this process (0 for a fresh run)
     * @param earlierSeconds seconds the run's earlier processes spent
     * @param ownRewards the config's rewards when built here (closed with the parts), else null
     * @param toolBox    the run's tools (closed with the parts), or null
     * @param environments the run's environments (closed with the parts), or null
     */
    public record Parts(Task task, PromptEncoder encoder, MultiTurnRollout multiTurn, LanguageModelPolicy policy,
            RewardSet rewards, StepRunner trainer, PromptSampler sampler, List<Prompt> heldOut,
            HeldOutData evalData, int start, double earlierSeconds, RewardSet ownRewards, ToolBox toolBox,
            EnvironmentPool environments) implements AutoCloseable {

        @Override
        public void close() {
            try (ToolBox closeTools = toolBox; EnvironmentPool closeEnvironments = environments;
                    RewardSet closeRewards = ownRewards; StepRunner closeTrainer = trainer) {
                // closed in reverse order: the runner (with the reference), the config's rewards, environments, tools
            }
        }
    }

    /**
     * Builds the parts of a run, or restores them from {@code checkpoint} (policy, moving reference,
     * optimizer, counters, data position).
     *
     * @param checkpoint the checkpoint to resume from, if any
     * @param runDir     the run directory (an offloaded reference keeps its weights there)
     * @param console    where the memory estimate is printed
     * @throws Grpo4jException when the run would not fit in memory or the checkpoint was made with another seed
     */
    public Parts build(Optional<Path> checkpoint, Path runDir, PrintStream console) {
        Tokenizer tok = tokenizer();
        PromptDataset data = prompts != null ? prompts
                : RunParts.trainData(config.data().trainFile(), config.data().promptField(),
                        config.data().messagesField(), task, config.seed(),
                        config.training().maxSteps() * config.training().perStepPrompts());
        boolean withTools = config.tools().enabled() || !tools.isEmpty();
        EnvironmentPool environments = Environments.create(config.environment(), environment);
        ToolBox toolBox = withTools || environments != null ? Tools.create(config.tools(), tools) : null;
        RewardSet ownRewards = null;
        StepRunner trainer = null;
        try {
            // with tools, chat prompts are rendered with the tools' schemas in the template's `tools` variable
            PromptEncoder encoder = new PromptEncoder(!withTools ? tok : new ToolsInTemplate(tok, toolBox),
                    config.data().maxPromptLength());
            MultiTurnRollout multiTurn = toolBox == null ? null : new MultiTurnRollout(toolBox, parser != null ? parser
                    : ToolCallFormat.of(config.tools().callFormat(),
                            tok.chatTemplate().map(ChatTemplate::source).orElse(null)),
                    new ToolTurns(tok, toolBox, Map.of()), config.tools().maxTurns(), environments,
                    config.environment().maxTurns());
            GrpoStepTrainer.Options options = GrpoStepTrainer.Options.from(config);

            Checkpoints.TrainerState state = checkpoint.map(Checkpoints::readState).orElse(null);
            if (state != null && state.seed() != config.seed()) {
                throw new Grpo4jException("checkpoint " + checkpoint.get() + " was made with seed " + state.seed()
                        + " but the config says " + config.seed() + "; resume with the same config");
            }
            checkMemory(tok, console);
            ownRewards = rewards != null ? null : RunParts.rewards(config.rewards(), config.rewardOnError(), task);
            Models models = checkpoint.isPresent() ? restoredModels(checkpoint.get(), tok, options)
                    : freshModels(tok, options);
            MemorySettings memory = memorySettings(config.training());
            models.policy().memory(memory); // the trainer's copy of it as the reference takes the settings along
            if (models.reference() != null) {
                models.reference().memory(memory);
            }
            LanguageModelPolicy reference = offloaded(models.reference(), models.policy(), options, runDir);
            RewardSet scoring = rewards != null ? rewards : ownRewards;
            trainer = runners.create(config, models.policy(), reference, options, scoring, multiTurn); // closes the reference
            int start = 0;
            DataPosition position = new DataPosition(0, 0);
            if (state != null) {
                Checkpoints.loadOptimizer(checkpoint.get(), trainer.optimizer(), state.optimizerSteps());
                trainer.restoreCounters(state.tokensSeen());
                start = state.step();
                position = new DataPosition(state.dataEpoch(), state.dataIndex());
            }
            PromptSampler sampler = new PromptSampler(data, config.training().perStepPrompts(), config.seed(),
                    config.data().shuffle(), position);
            List<Prompt> heldOut = task == null ? List.of() : heldOut(encoder);
            HeldOutData evalData = evalData(encoder, scoring, multiTurn, models.policy());
            return new Parts(task, encoder, multiTurn, models.policy(), scoring, trainer, sampler, heldOut, evalData,
                    start, state == null ? 0 : state.seconds(), ownRewards, toolBox, environments);
        } catch (RuntimeException e) {
            // a run that fails to start releases what it built so far (the policy stays the factory's)
            try (ToolBox closeTools = toolBox; EnvironmentPool closeEnvironments = environments;
                    RewardSet closeRewards = ownRewards; StepRunner closeTrainer = trainer) {
                // closed in reverse order
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The policy to train and its reference (null: none, or a copy the step trainer takes). */
    private record Models(LanguageModelPolicy policy, LanguageModelPolicy reference) {}

    /**
     * A fresh run: the caller's policy or one built from the config, and the reference {@code model.ref_model}
     * names (null: the step trainer copies the policy, or uses the base model under LoRA adapters).
     */
    private Models freshModels(Tokenizer tok, GrpoStepTrainer.Options options) {
        LanguageModelPolicy trained = policy();
        return new Models(trained, options.loss().beta() == 0 ? null : RunParts.reference(config.model(), tok));
    }

    /**
     * A resumed run: the checkpoint's policy (loaded into the caller's policy when there is one), and the
     * reference, taken before the checkpoint is loaded into an existing policy: it is the initial policy.
     */
    private Models restoredModels(Path checkpoint, Tokenizer tok, GrpoStepTrainer.Options options) {
        LanguageModelPolicy restored = checkpointPolicy(checkpoint.resolve("model"), tok);
        LanguageModelPolicy initial = policy; // the caller's, or one built before the run started; or null
        LanguageModelPolicy reference = resumedReference(checkpoint, tok, options, initial);
        if (initial == null) {
            policy = restored;
            ownsPolicy = true;
            return new Models(restored, reference);
        }
        initial.mixFrom(restored, 1.0); // continue training the existing policy from the checkpoint
        restored.close();
        return new Models(initial, reference);
    }

    /**
     * With {@code training.ref_param_offload} in full fine-tuning, the reference (the given one, else the
     * policy as it is now) as a copy whose weights are read from a file under the run directory; else
     * {@code reference} unchanged.
     */
    private LanguageModelPolicy offloaded(LanguageModelPolicy reference, LanguageModelPolicy trained,
            GrpoStepTrainer.Options options, Path runDir) {
        long weightBytes = 4 * trained.parameters().values().stream().mapToLong(NDArray::size).sum();
        if (trained.hasAdapter() || !offloadsReference(config, weightBytes)) {
            return reference;
        }
        if (reference == null) {
            return trained.offloadedCopy(runDir);
        }
        try (LanguageModelPolicy resident = reference) {
            return resident.offloadedCopy(runDir);
        }
    }

    /** Prints the memory estimate and refuses a run that would not fit, naming settings that would. */
    private void checkMemory(Tokenizer tok, PrintStream console) {
        if (config.training().gradientCheckpointing() && config.model().lora() != null
                && config.model().lora().loraDropout() > 0) {
            throw new Grpo4jException("training.gradient_checkpointing needs model.lora.lora_dropout = 0 (the recomputed "
                    + "layers would draw other dropout masks); got " + config.model().lora().loraDropout());
        }
        if (config.training().refParamOffload() == RefParamOffload.TRUE && config.loss().refModelSyncSteps() > 0) {
            throw new Grpo4jException("training.ref_param_offload keeps the reference frozen in a file; "
                    + "loss.ref_model_sync_steps must then be 0, got " + config.loss().refModelSyncSteps());
        }
        ModelConfig model = policy != null
                ? (policy.model() instanceof Transformer t ? t.config() : null)
                : config.model().path() != null ? ModelConfig.read(Path.of(config.model().path()).resolve("config.json"))
                : ModelParts.freshConfig(config.model(), tok);
        if (model == null) {
            return;
        }
        MemoryEstimate.Workload w = workload(config, model);
        MemoryEstimate estimate = MemoryEstimate.of(w);
        long limit = memoryLimit > 0 ? memoryLimit : MemoryEstimate.machineBytes();
        console.println("Memory: " + estimate.describe()
                + (limit > 0 ? "; the machine has " + MemoryEstimate.gb(limit) : ""));
        // large models only: there freed tensors kept by glibc raise the peak; on small ones it costs CPU
        String allocator = NativeAllocator.describe(NativeAllocator.forWeights(estimate.weights()));
        if (!allocator.isEmpty()) {
            console.println(allocator);
        }
        if (w.referenceOffloaded()) {
            console.println("Reference model: its weights are written to a file under output_dir and read back a layer"
                    + " at a time for each step's reference log-probs, instead of a copy in memory"
                    + " (training.ref_param_offload: " + OptionNames.of(config.training().refParamOffload()) + ")");
        }
        if (limit > 0 && estimate.total() > limit) {
            List<String> knobs = MemoryEstimate.knobsThatFit(w, limit);
            throw new Grpo4jException("the run needs about " + MemoryEstimate.gb(estimate.total()) + " but the machine has "
                    + MemoryEstimate.gb(limit) + "; "
                    + (knobs.isEmpty() ? "no micro-batch size or gradient checkpointing makes it fit: use a smaller model"
                            : "settings that fit: " + String.join("; or ", knobs)));
        }
    }

    /** The policy a checkpoint holds: a full model, or LoRA adapters on the configured base model. */
    private LanguageModelPolicy checkpointPolicy(Path dir, Tokenizer tok) {
        if (PeftAdapter.isAdapter(dir)) {
            return RunParts.policy(config.model().withAdapter(dir.toString()), tok, config.seed());
        }
        return new LanguageModelPolicy(Transformer.load(dir), tok);
    }

    /**
     * The reference of a resumed run: null at β = 0 (or with LoRA: the base model with the adapters off),
     * the checkpoint's moving reference, the configured one, or the initial policy.
     */
    private LanguageModelPolicy resumedReference(Path checkpoint, Tokenizer tok, GrpoStepTrainer.Options options,
            LanguageModelPolicy initial) {
        if (options.loss().beta() == 0) {
            return null;
        }
        if (Files.isDirectory(checkpoint.resolve("ref"))) {
            return new LanguageModelPolicy(Transformer.load(checkpoint.resolve("ref")), tok);
        }
        LanguageModelPolicy configured = RunParts.reference(config.model(), tok);
        boolean lora = trainsAdapters(config) || (initial != null && initial.hasAdapter());
        if (configured != null || lora) {
            return configured;
        }
        // the policy as handed over (or first built) is the initial policy; else rebuild it as the run started
        return initial != null ? initial.copy() : RunParts.policy(config.model(), tok, config.seed());
    }

    /**
     * The {@code data.eval_file} evaluation, or null when there is none or evaluation is off; with tools, of
     * {@code policy}'s multi-turn episodes.
     */
    private HeldOutData evalData(PromptEncoder encoder, RewardSet scoring, MultiTurnRollout multiTurn,
            LanguageModelPolicy trained) {
        String file = config.data().evalFile();
        if (file == null || config.logging().evalSteps() <= 0) {
            return null;
        }
        List<PromptRow> rows =
                PromptDataset.load(Path.of(file), config.data().promptField(), config.data().messagesField()).rows();
        rows = rows.subList(0, Math.min(rows.size(), config.logging().evalPrompts()));
        Evaluator.Sampler episodes = multiTurn == null ? null
                : (ids, of, n, params, seed) -> Evaluator.Sampled.of(multiTurn.generate(trained, ids, of, n, params, seed));
        return new HeldOutData(Prompts.encode(rows, encoder), scoring, config.generation().samplingParams(),
                config.logging().numGenerationsEval(), config.logging().evalPassThreshold(), config.seed(), episodes);
    }

    /** The task's held-out prompts for greedy accuracy, or none when evaluation is off. */
    private List<Prompt> heldOut(PromptEncoder encoder) {
        int n = config.logging().evalPrompts();
        if (n <= 0) {
            return List.of();
        }
        PromptDataset rows = RunParts.taskRows(task, Split.HELD_OUT, n, Seeds.of(config.seed(), 0, Seeds.EVAL));
        return Prompts.encode(rows.rows(), encoder);
    }

    /** Releases the policy this factory built; a caller's policy stays open. */
    @Override
    public void close() {
        if (ownsPolicy) {
            policy.close();
            ownsPolicy = false;
        }
    }
}
