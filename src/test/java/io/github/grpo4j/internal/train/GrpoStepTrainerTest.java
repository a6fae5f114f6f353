package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardOnError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GrpoStepTrainerTest {

    private static RewardSet shareOfA() {
        return RewardSet.of(RewardFunction.of("share_a", (p, c, row) -> TinyModels.shareOfA(c)));
    }

    private static Map<String, float[]> snapshot(LanguageModelPolicy policy) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (var e : policy.parameters().entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(LossType.class)
    void oneStepChangesEveryTrainableParameter(LossType lossType) {
        try (LanguageModelPolicy policy = TinyModels.policy(1);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(lossType, 8, 1, 0.04, 1e-2),
                        rewards)) {
            Map<String, float[]> before = snapshot(policy);
            var prompts = TinyModels.prompts(TinyModels.tokenizer(), "abc", "fed", "b");
            trainer.step(1, prompts);
            Map<String, float[]> after = snapshot(policy);
            assertThat(after.keySet()).isEqualTo(before.keySet());
            for (String name : before.keySet()) {
                assertThat(after.get(name)).as(name + " changed").isNotEqualTo(before.get(name));
            }
        }
    }

    /**
     * Gradients are freed after each optimizer update (their memory is free during generation and the reference
     * forward), and the next step's backward creates them again: that step still changes every parameter.
     */
    @Test
    void gradientsAreFreedAfterEachUpdateAndTheNextStepStillTrainsEveryParameter() {
        try (LanguageModelPolicy policy = TinyModels.policy(1);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null,
                        TinyModels.options(LossType.GRPO, 8, 1, 0.04, 1e-2), rewards)) {
            var prompts = TinyModels.prompts(TinyModels.tokenizer(), "abc", "fed", "b");
            for (int step = 1; step <= 2; step++) {
                Map<String, float[]> before = snapshot(policy);
                double gradNorm = trainer.step(step, prompts).metrics().get("grad_norm");
                assertThat(gradNorm).as("step %d had a gradient", step).isPositive();
                Map<String, float[]> after = snapshot(policy);
                for (String name : before.keySet()) {
                    assertThat(after.get(name)).as("step %d changed %s", step, name).isNotEqualTo(before.get(name));
                    assertThat(Gradients.holdsGradient(policy.parameters().get(name)))
                            .as("%s's gradient after step %d", name, step).isFalse();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LossType.class)
    void splittingTheBatchIntoMicroBatchesDoesNotChangeTheUpdate(LossType lossType) {
        Map<String, float[]> whole;
        Map<String, Double> wholeMetrics;
        var prompts = TinyModels.prompts(TinyModels.tokenizer(), "abc", "fed", "b");
        try (LanguageModelPolicy policy = TinyModels.policy(3);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(lossType, 12, 2, 0.04, 1e-2),
                        rewards)) {
            wholeMetrics = trainer.step(1, prompts).metrics();
            whole = snapshot(policy);
        }
        try (LanguageModelPolicy policy = TinyModels.policy(3);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(lossType, 5, 2, 0.04, 1e-2),
                        rewards)) {
            Map<String, Double> split = trainer.step(1, prompts).metrics();
            Map<String, float[]> after = snapshot(policy);
            for (String name : whole.keySet()) {
                float[] a = whole.get(name);
                float[] b = after.get(name);
                for (int i = 0; i < a.length; i++) {
                    assertThat((double) b[i]).as(name + "[" + i + "]").isCloseTo(a[i], within(1e-5));
                }
            }
            assertThat(split.get("loss")).isCloseTo(wholeMetrics.get("loss"), within(1e-6));
            assertThat(split.get("grad_norm")).isCloseTo(wholeMetrics.get("grad_norm"), within(1e-5));
            assertThat(split.get("kl")).isCloseTo(wholeMetrics.get("kl"), within(1e-7));
        }
    }

    @Test
    void atTheFirstInnerIterationTheRatioIsExactlyOne() {
        try (LanguageModelPolicy policy = TinyModels.policy(2);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 5, 1, 0.04, 1e-2),
                        rewards)) {
            var r = trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "abc", "dd"));
            // μ = 1: the only pass is the first; mean ratio over tokens is Σ1/N, exactly 1 in float
            assertThat(r.metrics().get("ratio/mean")).isEqualTo(1.0);
            assertThat(r.metrics().get("clip_ratio/region_mean")).isEqualTo(0.0);
        }
    }

    @Test
    void secondInnerIterationMovesTheRatioAwayFromOne() {
        try (LanguageModelPolicy policy = TinyModels.policy(2);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 5, 2, 0.04, 5e-2),
                        rewards)) {
            var r = trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "abc", "dd"));
            // mean of pass 1 (exactly 1) and pass 2 (after one update): differs from 1
            assertThat(r.metrics().get("ratio/mean")).isNotEqualTo(1.0);
        }
    }

    @Test
    void klIsZeroAtTheFirstStepAndGrowsAfterwards() {
        try (LanguageModelPolicy policy = TinyModels.policy(4);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 16, 1, 0.04, 3e-2),
                        rewards)) {
            var prompts = TinyModels.prompts(TinyModels.tokenizer(), "abc", "fed", "b", "ccc");
            List<Double> kl = new ArrayList<>();
            for (int step = 1; step <= 6; step++) {
                kl.add(trainer.step(step, prompts).metrics().get("kl"));
            }
            assertThat(kl.get(0)).isEqualTo(0.0);
            assertThat(kl.get(5)).isGreaterThan(kl.get(1)).isGreaterThan(0.0);
        }
    }

    @Test
    void betaZeroLoadsNoReferenceAndReportsNoKl() {
        try (LanguageModelPolicy policy = TinyModels.policy(4);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 16, 1, 0.0, 1e-2),
                        rewards)) {
            assertThat(trainer.reference()).isNull();
            var r = trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "abc"));
            assertThat(r.metrics()).doesNotContainKey("kl").containsKeys("loss", "grad_norm", "learning_rate", "reward",
                    "reward_std", "rewards/share_a/mean", "rewards/share_a/std", "frac_reward_zero_std", "entropy",
                    "completions/mean_length", "completions/min_length", "completions/max_length",
                    "completions/clipped_ratio", "clip_ratio/low_mean", "clip_ratio/high_mean", "clip_ratio/region_mean",
                    "num_tokens", "step_time", "gen_tokens_per_s", "train_tokens_per_s");
        }
    }

    @Test
    void rewardMetricsEqualAHandComputationOverTheSamples() {
        try (LanguageModelPolicy policy = TinyModels.policy(5);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 16, 1, 0.04, 1e-2),
                        rewards)) {
            var r = trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "abc", "de"));
            double sum = 0;
            double[] groupStd = new double[2];
            for (int g = 0; g < 2; g++) {
                double mean = 0;
                for (int i = 0; i < 4; i++) {
                    mean += r.samples().get(g * 4 + i).reward() / 4;
                }
                double ss = 0;
                for (int i = 0; i < 4; i++) {
                    double d = r.samples().get(g * 4 + i).reward() - mean;
                    ss += d * d;
                }
                groupStd[g] = Math.sqrt(ss / 4); // population std, the default
                sum += mean * 4;
            }
            for (var s : r.samples()) {
                assertThat(s.reward()).isCloseTo(TinyModels.shareOfA(s.completion()), within(1e-12));
            }
            assertThat(r.metrics().get("reward")).isCloseTo(sum / 8, within(1e-12));
            assertThat(r.metrics().get("reward_std")).isCloseTo((groupStd[0] + groupStd[1]) / 2, within(1e-12));
            double lengthSum = 0;
            int min = Integer.MAX_VALUE;
            int max = 0;
            int truncated = 0;
            for (var s : r.samples()) {
                lengthSum += s.tokens();
                min = Math.min(min, s.tokens());
                max = Math.max(max, s.tokens());
                truncated += s.truncated() ? 1 : 0;
                assertThat(s.tokens()).isBetween(1, 6);
                if (s.truncated()) {
                    assertThat(s.tokens()).isEqualTo(6); // only a completion at the limit is truncated
                }
            }
            assertThat(r.metrics().get("completions/mean_length")).isCloseTo(lengthSum / 8, within(1e-9));
            assertThat(r.metrics().get("completions/min_length")).isEqualTo((double) min);
            assertThat(r.metrics().get("completions/max_length")).isEqualTo((double) max);
            assertThat(r.metrics().get("completions/clipped_ratio")).isEqualTo(truncated / 8.0);
        }
    }

    @Test
    void aThrowingRewardFunctionStopsTheStepNamingFunctionAndPrompt() {
        try (LanguageModelPolicy policy = TinyModels.policy(6);
                RewardSet rewards = RewardSet.of(RewardFunction.of("broken", (p, c, row) -> {
                    throw new IllegalStateException("boom");
                }));
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 16, 1, 0.04, 1e-2),
                        rewards)) {
            assertThatThrownBy(() -> trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "cab")))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("broken")
                    .hasMessageContaining("cab");
        }
    }

    @Test
    void underRewardOnErrorZeroAThrowingFunctionScoresZeroAndTrainingGoesOn() {
        try (LanguageModelPolicy policy = TinyModels.policy(6);
                RewardSet rewards = new RewardSet(List.of(RewardFunction.of("broken", (p, c, row) -> {
                    throw new IllegalStateException("boom");
                })), null, RewardOnError.ZERO);
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 16, 1, 0.04, 1e-2),
                        rewards)) {
            var r = trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "cab"));
            assertThat(r.metrics().get("reward")).isEqualTo(0.0);
            assertThat(r.metrics().get("frac_reward_zero_std")).isEqualTo(1.0);
        }
    }

    @Test
    void nanRewardsAreNotApplicableAndAllNanIsAnErrorNamingThePrompt() {
        try (LanguageModelPolicy policy = TinyModels.policy(6);
                RewardSet rewards = RewardSet.of(RewardFunction.of("nan", (p, c, row) -> Double.NaN));
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 16, 1, 0.04, 1e-2),
                        rewards)) {
            assertThatThrownBy(() -> trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "fab")))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("fab")
                    .hasMessageContaining("nan");
        }
    }

    @Test
    void anEmptyBatchAndAGroupOfOneAreClearErrors() {
        try (LanguageModelPolicy policy = TinyModels.policy(6); RewardSet rewards = shareOfA()) {
            try (GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null,
                    TinyModels.options(LossType.GRPO, 16, 1, 0.04, 1e-2), rewards)) {
                assertThatThrownBy(() -> trainer.step(1, List.of())).isInstanceOf(Grpo4jException.class)
                        .hasMessageContaining("no prompts");
            }
            // the step trusts validated options: a group of one is the config's error, written once there
            assertThatThrownBy(() -> ConfigLoader.parse(GrpoConfig.class, "t.yaml", "data: {task: arithmetic}",
                    List.of("generation.num_generations=1")))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("generation.num_generations: 1 is out of range; valid: ≥ 2");
        }
    }

    @Test
    void aPromptThatLeavesNoRoomForTheCompletionIsAClearError() {
        try (LanguageModelPolicy policy = TinyModels.policy(6);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 16, 1, 0.04, 1e-2),
                        rewards)) {
            String longPrompt = "abcdef".repeat(11); // 66 tokens + 6 new > 64 positions
            assertThatThrownBy(() -> trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), longPrompt)))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("64");
        }
    }

    @Test
    void filteringZeroStdGroupsLeavesTheirCompletionsOutOfTheUpdate() {
        var base = TinyModels.options(LossType.GRPO, 16, 1, 0.0, 1e-2);
        var filtering = base.toBuilder().batch(4, 16, 1).filters(false, true).optimizer(base.schedule(), base.adam(), 1.0)
                .seed(7).build();
        try (LanguageModelPolicy policy = TinyModels.policy(8);
                RewardSet constant = RewardSet.of(RewardFunction.of("const", (p, c, row) -> 1.0));
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, filtering, constant)) {
            Map<String, float[]> before = snapshot(policy);
            var r = trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "abc"));
            assertThat(r.metrics().get("frac_reward_zero_std")).isEqualTo(1.0);
            assertThat(snapshot(policy)).usingRecursiveComparison().isEqualTo(before);
        }
    }

    @Test
    void onTheShareOfOneLetterTaskTheMeanRewardRisesWithinThirtySteps() {
        var base = TinyModels.options(LossType.GRPO, 32, 1, 0.04, 2e-2);
        var opts = base.toBuilder().batch(8, 32, 1).filters(false, false).optimizer(base.schedule(), base.adam(), 1.0)
                .seed(11).build();
        try (LanguageModelPolicy policy = TinyModels.policy(9);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, opts, rewards)) {
            var prompts = TinyModels.prompts(TinyModels.tokenizer(), "bcd", "fe", "cc", "d");
            double first = 0;
            double last = 0;
            for (int step = 1; step <= 30; step++) {
                double reward = trainer.step(step, prompts).metrics().get("reward");
                if (step <= 5) {
                    first += reward / 5;
                }
                if (step > 25) {
                    last += reward / 5;
                }
            }
            assertThat(last).as("mean reward of steps 26-30 vs 1-5 (%.3f)", first).isGreaterThan(first + 0.25);
        }
    }

    @Test
    void referenceSyncMovesTheReferenceTowardsThePolicy() {
        var base = TinyModels.options(LossType.GRPO, 16, 1, 0.04, 5e-2);
        var sync = base.toBuilder().batch(4, 16, 1).filters(false, false).referenceSync(2, 1.0)
                .optimizer(base.schedule(), base.adam(), 1.0).seed(7).build();
        try (LanguageModelPolicy policy = TinyModels.policy(10);
                RewardSet rewards = shareOfA();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, sync, rewards)) {
            var prompts = TinyModels.prompts(TinyModels.tokenizer(), "abc", "fed");
            trainer.step(1, prompts);
            NDArray refW = trainer.reference().parameters().values().iterator().next();
            NDArray polW = policy.parameters().values().iterator().next();
            assertThat(refW.toFloatArray()).isNotEqualTo(polW.toFloatArray());
            trainer.step(2, prompts); // α = 1 at step 2: the reference becomes the policy
            assertThat(refW.toFloatArray()).isEqualTo(polW.toFloatArray());
        }
    }
}
