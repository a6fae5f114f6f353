package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.Sample;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.reward.RewardFunction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * DAPO's dynamic sampling and several steps per generation through the real step, against a hand computation
 * with a scripted reward: the prompts in {@link #SIGNAL} get a different reward for each completion (a
 * counter), every other prompt the same reward for all of its completions, so which groups have signal is
 * known before the step runs.
 */
class DynamicSamplingTest {
    /** The prompts whose groups have signal. */
    static final Set<String> SIGNAL = Set.of("b", "e", "f", "ab");
    /** The data stream, two prompts per step: (a, b), (c, d), (e, f), (ab, ac). */
    static final List<String> STREAM = List.of("a", "b", "c", "d", "e", "f", "ab", "ac");

    private static RewardSet scripted() {
        AtomicInteger calls = new AtomicInteger();
        return RewardSet.of(RewardFunction.of("scripted",
                (p, c, row) -> SIGNAL.contains(p) ? (double) calls.incrementAndGet() : 0.5));
    }

    /** Two prompts per call, in stream order, starting over at the end; counts the calls. */
    static final class Stream implements Supplier<List<Prompt>> {
        int calls;

        @Override
        public List<Prompt> get() {
            int at = 2 * calls++ % STREAM.size();
            return TinyModels.prompts(TinyModels.tokenizer(), STREAM.get(at), STREAM.get(at + 1));
        }
    }

    private static Map<String, float[]> snapshot(LanguageModelPolicy policy) {
        Map<String, float[]> out = new LinkedHashMap<>();
        policy.parameters().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static List<String> prompts(StepResult r) {
        return r.samples().stream().map(Sample::prompt).toList();
    }

    private static GrpoStepTrainer trainer(LanguageModelPolicy policy, RewardSet rewards, int maxBatches) {
        return new GrpoStepTrainer(policy, null, TinyModels.options(LossType.GRPO, 16, 1, 0.0, 1e-2), rewards)
                .dynamicSampling(new DynamicSampling.Options(true, maxBatches));
    }

    @Test
    void groupsWithoutSignalAreDroppedAndNewPromptsAreDrawnUntilEveryPromptSlotHasAGroupWithSignal() {
        try (LanguageModelPolicy policy = TinyModels.policy(3);
                RewardSet rewards = scripted();
                GrpoStepTrainer trainer = trainer(policy, rewards, 0)) {
            Stream stream = new Stream();
            Map<String, float[]> before = snapshot(policy);
            StepResult r = trainer.round(1, 1, stream).get(0);
            // by hand: (a, b) → b; (c, d) → none; (e, f) → e, f: 3 groups with signal ≥ 2, the excess f cut off
            assertThat(stream.calls).isEqualTo(3);
            Map<String, Double> m = r.metrics();
            assertThat(m.get("dynamic_sampling/generation_batches")).isEqualTo(3.0);
            assertThat(m.get("dynamic_sampling/groups_generated")).isEqualTo(6.0);
            assertThat(m.get("dynamic_sampling/groups_with_signal")).isEqualTo(3.0);
            assertThat(m.get("dynamic_sampling/groups_kept")).isEqualTo(2.0);
            // what is trained on: b's and e's groups, G = 4 each, every advantage from a group with signal
            assertThat(prompts(r)).containsExactly("b", "b", "b", "b", "e", "e", "e", "e");
            assertThat(r.advantages()).hasSize(8).doesNotContain(0.0);
            assertThat(m.get("frac_reward_zero_std")).isEqualTo(0.0);
            double mean = r.samples().stream().mapToDouble(Sample::reward).average().orElseThrow();
            assertThat(m.get("reward")).isCloseTo(mean, within(1e-12));
            assertThat(m.get("grad_norm")).isPositive();
            assertThat(trainer.optimizer().step()).isEqualTo(1L);
            assertThat(snapshot(policy)).usingRecursiveComparison().isNotEqualTo(before);
            // tokens of every generated row count, dropped ones too: more than the kept rows' prompt + completion
            double kept = 0;
            for (Sample s : r.samples()) {
                kept += 1 + s.tokens();
            }
            assertThat(m.get("num_tokens")).isGreaterThan(kept);
            // the next step continues with the next prompts of the stream: (ab, ac) → ab; (a, b) → b
            StepResult r2 = trainer.round(2, 1, stream).get(0);
            assertThat(stream.calls).isEqualTo(5);
            assertThat(prompts(r2)).containsExactly("ab", "ab", "ab", "ab", "b", "b", "b", "b");
            assertThat(r2.metrics().get("dynamic_sampling/generation_batches")).isEqualTo(2.0);
            assertThat(r2.metrics().get("dynamic_sampling/groups_kept")).isEqualTo(2.0);
        }
    }

    @Test
    void atMaxGenerationBatchesTheStepTrainsOnTheGroupsItHas() {
        try (LanguageModelPolicy policy = TinyModels.policy(3);
                RewardSet rewards = scripted();
                GrpoStepTrainer trainer = trainer(policy, rewards, 2)) {
            Stream stream = new Stream();
            Map<String, float[]> before = snapshot(policy);
            StepResult r = trainer.round(1, 1, stream).get(0);
            // by hand: (a, b) → b; (c, d) → none; the budget of 2 batches is spent with 1 group of 2
            assertThat(stream.calls).isEqualTo(2);
            assertThat(r.metrics().get("dynamic_sampling/generation_batches")).isEqualTo(2.0);
            assertThat(r.metrics().get("dynamic_sampling/groups_generated")).isEqualTo(4.0);
            assertThat(r.metrics().get("dynamic_sampling/groups_kept")).isEqualTo(1.0);
            assertThat(prompts(r)).containsExactly("b", "b", "b", "b");
            assertThat(r.metrics().get("grad_norm")).isPositive();
            assertThat(snapshot(policy)).usingRecursiveComparison().isNotEqualTo(before);
        }
    }

    @Test
    void withNoGroupWithSignalInTheBudgetNothingIsTrainedAndTheLastBatchIsReported() {
        try (LanguageModelPolicy policy = TinyModels.policy(3);
                RewardSet constant = RewardSet.of(RewardFunction.of("const", (p, c, row) -> 1.0));
                GrpoStepTrainer trainer = trainer(policy, constant, 2)) {
            Stream stream = new Stream();
            Map<String, float[]> before = snapshot(policy);
            StepResult r = trainer.round(1, 1, stream).get(0);
            assertThat(stream.calls).isEqualTo(2);
            assertThat(r.metrics().get("dynamic_sampling/groups_kept")).isEqualTo(0.0);
            assertThat(r.metrics().get("dynamic_sampling/groups_with_signal")).isEqualTo(0.0);
            assertThat(r.metrics().get("frac_reward_zero_std")).isEqualTo(1.0);
            assertThat(prompts(r)).containsExactly("c", "c", "c", "c", "d", "d", "d", "d");
            assertThat(r.metrics().get("grad_norm")).isZero();
            assertThat(trainer.optimizer().step()).isZero();
            assertThat(snapshot(policy)).usingRecursiveComparison().isEqualTo(before);
        }
    }

    @Test
    void aSingleStepGivenItsPromptsCannotResample() {
        try (LanguageModelPolicy policy = TinyModels.policy(3);
                RewardSet rewards = scripted();
                GrpoStepTrainer trainer = trainer(policy, rewards, 0)) {
            assertThatThrownBy(() -> trainer.step(1, TinyModels.prompts(TinyModels.tokenizer(), "a", "c")))
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("needs more prompts");
        }
    }

    @Test
    void withStepsPerGenerationOneGenerationFeedsSeveralStepsEachItsOwnUpdate() {
        int mu = 2;
        try (LanguageModelPolicy policy = TinyModels.policy(3);
                RewardSet rewards = scripted();
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null,
                        TinyModels.options(LossType.GRPO, 3, mu, 0.0, 1e-2), rewards)
                        .dynamicSampling(new DynamicSampling.Options(true, 0))) {
            Stream stream = new Stream();
            List<StepResult> round = trainer.round(1, 2, stream);
            // by hand: (a, b, c, d) → b; (e, f, ab, ac) → e, f, ab: 4 groups with signal, none cut
            assertThat(stream.calls).isEqualTo(4);
            assertThat(round).extracting(StepResult::step).containsExactly(1, 2);
            assertThat(prompts(round.get(0))).containsExactly("b", "b", "b", "b", "e", "e", "e", "e");
            assertThat(prompts(round.get(1))).containsExactly("f", "f", "f", "f", "ab", "ab", "ab", "ab");
            List<Double> lr = new ArrayList<>();
            for (StepResult r : round) {
                assertThat(r.metrics().get("dynamic_sampling/generation_batches")).isEqualTo(2.0);
                assertThat(r.metrics().get("grad_norm")).isPositive();
                // the second step's first pass already runs on moved weights: its ratios are not 1
                lr.add(r.metrics().get("learning_rate"));
            }
            assertThat(trainer.optimizer().step()).as("one update per step and pass").isEqualTo(2L * mu);
            assertThat(round.get(1).metrics().get("ratio/mean")).isNotEqualTo(1.0);
            assertThat(round.get(0).metrics().get("loss")).isNotEqualTo(round.get(1).metrics().get("loss"));
        }
    }
}
