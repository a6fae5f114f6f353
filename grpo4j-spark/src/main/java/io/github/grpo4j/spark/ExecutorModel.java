package io.github.grpo4j.spark;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.data.tasks.Task;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.train.GrpoStepTrainer;
import io.github.grpo4j.internal.train.RunFactory;
import io.github.grpo4j.internal.train.RunParts;
import io.github.grpo4j.policy.Policy;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * What an executor JVM keeps between tasks: the model built from the run's config (base weights loaded once,
 * the trainable ones overwritten by each broadcast), the reference model and the reward functions (an
 * external reward process starts with the first task and ends with the JVM). A task takes a model for
 * itself, so that two tasks running at once in one executor never share one; idle models are reused.
 */
final class ExecutorModel implements AutoCloseable {

    private static final Map<String, Queue<ExecutorModel>> IDLE = new ConcurrentHashMap<>();
    private static final Queue<ExecutorModel> ALL = new ConcurrentLinkedQueue<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ALL.forEach(ExecutorModel::close), "grpo4j-executor-close"));
    }

    final GrpoConfig config;
    final GrpoStepTrainer.Options options;
    final LanguageModelPolicy policy;
    final Policy reference;
    final RewardSet rewards;
    private Weights loaded;

    private ExecutorModel(String configYaml, Weights referenceWeights) {
        config = ConfigLoader.parse(GrpoConfig.class, "config.yaml (from the driver)", configYaml, List.of());
        options = GrpoStepTrainer.Options.from(config);
        Task task = RunParts.task(config.data().task(), config.data().taskOptions());
        Tokenizer tokenizer = RunParts.tokenizer(config.model(), task);
        policy = RunParts.policy(config.model(), tokenizer, config.seed());
        policy.memory(RunFactory.memorySettings(config.training()));
        for (NDArray p : policy.parameters().values()) {
            p.setRequiresGradient(true);
        }
        if (options.loss().beta() == 0) {
            reference = null;
        } else if (referenceWeights == null) {
            reference = policy.withoutAdapter(); // LoRA: the base with the adapters off, no second copy
        } else {
            LanguageModelPolicy copy = policy.copy();
            referenceWeights.copyInto(copy.parameters());
            reference = copy;
        }
        rewards = RunParts.rewards(config.rewards(), config.rewardOnError(), task);
        ALL.add(this);
    }

    /**
     * Runs {@code work} with a model of this config whose trainable weights are {@code weights}: an idle one of
     * this JVM, or a new one.
     */
    static <T> T with(String configYaml, Weights referenceWeights, Weights weights, Function<ExecutorModel, T> work) {
        Queue<ExecutorModel> idle = IDLE.computeIfAbsent(configYaml, k -> new ConcurrentLinkedQueue<>());
        ExecutorModel m = idle.poll();
        if (m == null) {
            m = new ExecutorModel(configYaml, referenceWeights);
        }
        try {
            if (m.loaded != weights) { // the same broadcast value is the same object within a JVM
                weights.copyInto(m.policy.parameters());
                m.loaded = weights;
            }
            return work.apply(m);
        } finally {
            idle.add(m);
        }
    }

    /**
     * Closes and drops every model of this JVM (tests: a new application's executors start without them, which
     * a {@code local} master in the test's JVM would otherwise keep).
     */
    static void forgetAll() {
        IDLE.clear();
        ExecutorModel m;
        while ((m = ALL.poll()) != null) {
            m.close();
        }
    }

    @Override
    public void close() {
        rewards.close();
        if (reference != null) {
            reference.close();
        }
        policy.close();
    }
}
