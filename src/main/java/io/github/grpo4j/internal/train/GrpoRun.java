package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.internal.config.ConfigIo;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.data.PromptDataset;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.TransformerPolicy;
import io.github.grpo4j.reward.PerCompletionReward;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardOnError;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * GRPO from Java code, without a config file:
 *
 * <pre>{@code
 * try (TransformerPolicy policy = TransformerPolicy.load(Path.of("models/my-model"))) {
 *     GrpoRun.builder()
 *             .policy(policy)
 *             .prompts(List.of(Map.of("prompt", "What is the capital of France?", "answer", "Paris")))
 *             .reward("correct", (prompt, completion, row) -> completion.strip().equals(row.get("answer")) ? 1.0 : 0.0)
 *             .set("training.max_steps=50", "output_dir=runs/capitals")
 *             .onStep(step -> System.out.println(step.metrics().get("reward")))
 *             .train();
 *     policy.save(Path.of("runs/capitals/model"));
 * }
 * }</pre>
 *
 * Every option not set here has the default documented in docs/configuration.md (TRL's names and
 * defaults); {@link Builder#config} or {@link Builder#set} change them.
 */
public final class GrpoRun {
    private GrpoRun() {}

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the parts of a run; {@link #train()} runs it. */
    public static final class Builder {
        private GrpoConfig config;
        private final List<String> overrides = new ArrayList<>();
        private TransformerPolicy policy;
        private PromptDataset prompts;
        private final List<RewardFunction> rewards = new ArrayList<>();
        private final List<Double> weights = new ArrayList<>();
        private RewardOnError onError = RewardOnError.RAISE;
        private final List<Consumer<GrpoStepTrainer.StepResult>> listeners = new ArrayList<>();
        private PrintStream console = System.out;

        private Builder() {}

        /** All options at once (default: {@link GrpoConfig#defaults()}); {@link #set} overrides apply on top. */
        public Builder config(GrpoConfig config) {
            this.config = config;
            return this;
        }

        /** {@code key=value} overrides with the config file's dotted keys, e.g. {@code "loss.beta=0"}. */
        public Builder set(String... keyValues) {
            overrides.addAll(List.of(keyValues));
            return this;
        }

        /** The policy to train, in place; it stays open for the caller (required). */
        public Builder policy(TransformerPolicy policy) {
            this.policy = policy;
            return this;
        }

        /** Prompt rows: a {@code prompt} (or chat {@code messages}) field, the rest passed to rewards. */
        public Builder prompts(Iterable<? extends Map<String, ?>> rows) {
            this.prompts = PromptDataset.fromMaps(rows);
            return this;
        }

        /** Prompt rows from a JSONL, JSON or CSV file. */
        public Builder prompts(Path file) {
            this.prompts = PromptDataset.load(file);
            return this;
        }

        /** A reward with weight 1: {@code (prompt, completion, row) -> score}, null when it does not apply. */
        public Builder reward(String name, PerCompletionReward fn) {
            return reward(RewardFunction.of(name, fn), 1.0);
        }

        /** A reward function with its weight in the sum (GRPO.md §1). */
        public Builder reward(RewardFunction fn, double weight) {
            rewards.add(fn);
            weights.add(weight);
            return this;
        }

        /** What a throwing reward function does: stop the run (default) or score 0 with a warning. */
        public Builder rewardOnError(RewardOnError onError) {
            this.onError = onError;
            return this;
        }

        /** Called with each step's metrics (TRL names) and completions, after the step is logged. */
        public Builder onStep(Consumer<GrpoStepTrainer.StepResult> listener) {
            listeners.add(listener);
            return this;
        }

        /** Where the per-step lines and the summary go (default: standard output). */
        public Builder console(PrintStream console) {
            this.console = console;
            return this;
        }

        /** Runs the training; the policy ends trained, and the run directory holds metrics and checkpoints. */
        public TrainingRun.Result train() {
            if (policy == null) {
                throw new Grpo4jException("GrpoRun needs a policy: builder().policy(TransformerPolicy.load(dir))");
            }
            if (prompts == null) {
                throw new Grpo4jException("GrpoRun needs prompts: builder().prompts(rows) or .prompts(file)");
            }
            if (rewards.isEmpty()) {
                throw new Grpo4jException("GrpoRun needs at least one reward: builder().reward(name, (p, c, row) -> ...)");
            }
            GrpoConfig base = config != null ? config : GrpoConfig.defaults();
            // the model, prompts and rewards come from code, so the config need not name them
            GrpoConfig resolved = ConfigLoader.parse(GrpoConfig.class, "GrpoRun", ConfigIo.toYaml(base), overrides,
                    List.of("model", "data", "rewards"));
            try (RewardSet rewardSet = new RewardSet(rewards, weights, onError)) {
                TrainingRun run = new TrainingRun(resolved, console).progressBar(false).policy(policy).prompts(prompts)
                        .rewards(rewardSet);
                listeners.forEach(run::onStep);
                return run.run(false);
            }
        }
    }
}
