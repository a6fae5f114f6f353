package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.internal.agent.Episodes;
import io.github.grpo4j.internal.agent.MultiTurnRollout;
import io.github.grpo4j.internal.agent.ToolTurns;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.tools.ToolBox;
import io.github.grpo4j.internal.tools.ToolCall;
import io.github.grpo4j.internal.tools.ToolCallParser;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.tools.Tool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** {@code data.eval_file} metrics: the same draws as the evaluation makes, scored by hand. */
class HeldOutDataTest {

    @Test
    void greedyAndSampledMetricsMatchTheDrawsScoredByHand() {
        var tok = TinyModels.tokenizer();
        try (LanguageModelPolicy policy = TinyModels.policy(41);
                RewardSet rewards = RewardSet.of(
                        RewardFunction.of("has_a", (p, c, row) -> c.contains("a") ? 1.0 : 0.0),
                        RewardFunction.of("length", (p, c, row) -> c.length() / 10.0))) {
            var prompts = TinyModels.prompts(tok, "abc", "fed", "cc");
            SamplingParams sampling = new SamplingParams(1.0, 0, 1.0, 0.0, 1.0, 5, List.of());
            Map<String, Double> m = new HeldOutData(prompts, rewards, sampling, 3, 1.0, 7).evaluate(policy);

            List<int[]> ids = List.of(prompts.get(0).ids(), prompts.get(1).ids(), prompts.get(2).ids());
            Completions greedy = policy.generate(ids, 1, SamplingParams.greedy(5), Seeds.of(7, 0, Seeds.EVAL));
            double[] g = byHand(policy, greedy, 3, 1);
            Completions sampled = policy.generate(ids, 3, sampling, Seeds.of(7, 0, Seeds.EVAL));
            double[] s = byHand(policy, sampled, 3, 3);
            assertThat(s[1]).as("the completions are not empty").isGreaterThan(0);

            assertThat(m.get("eval/greedy/reward")).isCloseTo(g[0] + g[1], within(1e-9));
            assertThat(m.get("eval/greedy/rewards/has_a/mean")).isCloseTo(g[0], within(1e-9));
            assertThat(m.get("eval/greedy/rewards/length/mean")).isCloseTo(g[1], within(1e-9));
            assertThat(m.get("eval/greedy/pass@1")).isCloseTo(g[2], within(1e-9));
            assertThat(m.get("eval/sampled/reward")).isCloseTo(s[0] + s[1], within(1e-9));
            assertThat(m.get("eval/sampled/rewards/has_a/mean")).isCloseTo(s[0], within(1e-9));
            assertThat(m.get("eval/sampled/rewards/length/mean")).isCloseTo(s[1], within(1e-9));
            assertThat(m.get("eval/sampled/pass@1")).isCloseTo(s[2], within(1e-9));
            assertThat(m.get("eval/sampled/pass@3")).isCloseTo(s[3], within(1e-9));
        }
    }

    @Test
    void withToolsTheEvaluationScoresWholeEpisodesAndTheModelAloneApart() {
        var tok = TinyModels.tokenizer();
        ToolCallParser aCallsEcho = new ToolCallParser() {
            @Override
            public List<String> stopStrings() {
                return List.of("a");
            }

            @Override
            public List<ToolCall> parseCalls(String turn) {
                return turn.contains("a") ? List.of(ToolCall.of("echo", Map.of())) : List.of();
            }
        };
        try (LanguageModelPolicy policy = TinyModels.policy(41);
                ToolBox box = new ToolBox(List.of(Tool.of("echo", "says ddd", Map.of(), args -> "ddd")),
                        Duration.ofSeconds(10));
                RewardSet rewards = RewardSet.of(RewardFunction.of("ddd", (p, c, row) -> c.contains("ddd") ? 1.0 : 0.0))) {
            MultiTurnRollout rollout = new MultiTurnRollout(box, aCallsEcho, new ToolTurns(tok, box, Map.of()), 2);
            var prompts = TinyModels.prompts(tok, "abc", "fed", "cc", "a", "bad", "e");
            List<int[]> ids = prompts.stream().map(Prompt::ids).toList();
            SamplingParams sampling = new SamplingParams(1.0, 0, 1.0, 0.0, 1.0, 12, List.of());
            Evaluator.Sampler episodes = (p, rows, n, params, seed) ->
                    Evaluator.Sampled.of(rollout.generate(policy, p, rows, n, params, seed));
            Map<String, Double> m = new HeldOutData(prompts, rewards, sampling, 2, 1.0, 7, episodes).evaluate(policy);

            Episodes greedy = rollout.generate(policy, ids, 1, SamplingParams.greedy(12), Seeds.of(7, 0, Seeds.EVAL));
            assertThat(IntStream.of(greedy.toolCalls()).sum()).as("greedy episodes call the tool (precondition)")
                    .isPositive();
            double withTool = share(policy, greedy.completions());
            Completions alone = policy.generate(ids, 1, SamplingParams.greedy(12), Seeds.of(7, 0, Seeds.EVAL));
            double without = share(policy, alone);
            assertThat(withTool).as("the tool's result makes a difference (precondition)").isNotEqualTo(without);
            Episodes sampled = rollout.generate(policy, ids, 2, sampling, Seeds.of(7, 0, Seeds.EVAL));

            assertThat(m.get("eval/greedy/reward")).isCloseTo(withTool, within(1e-9));
            assertThat(m.get("eval/greedy/pass@1")).isCloseTo(withTool, within(1e-9));
            assertThat(m.get("eval/sampled/reward")).isCloseTo(share(policy, sampled.completions()), within(1e-9));
            assertThat(m.get("eval/without_tools/greedy/reward")).isCloseTo(without, within(1e-9));
            assertThat(m.get("eval/without_tools/greedy/pass@1")).isCloseTo(without, within(1e-9));
        }
    }

    @Test
    void withAnEnvironmentTheEvaluationScoresItsRewardAsTrainingDoes() {
        var tok = TinyModels.tokenizer();
        // no tools; a turn ends at "a"; the environment rewards each turn by its length and ends the episode
        ToolCallParser turnEndsAtA = new ToolCallParser() {
            @Override
            public List<String> stopStrings() {
                return List.of("a");
            }

            @Override
            public List<ToolCall> parseCalls(String turn) {
                return List.of();
            }
        };
        java.util.function.Supplier<io.github.grpo4j.environment.Environment> byLength = () ->
                new io.github.grpo4j.environment.Environment() {
                    @Override
                    public List<Map<String, Object>> reset(Map<String, Object> row) {
                        return List.of();
                    }

                    @Override
                    public Step step(String message) {
                        return Step.done(message.length() / 4.0);
                    }
                };
        try (LanguageModelPolicy policy = TinyModels.policy(41);
                ToolBox none = new ToolBox(List.of(), Duration.ofSeconds(10));
                var env = new io.github.grpo4j.internal.environment.EnvironmentPool(byLength, Duration.ofSeconds(10),
                        null);
                RewardSet rewards = RewardSet.of(io.github.grpo4j.internal.reward.EnvironmentReward.create("env", null),
                        // scores every episode, also those cut before the environment's first step
                        RewardFunction.of("zero", (p, c, row) -> 0.0))) {
            MultiTurnRollout rollout = new MultiTurnRollout(none, turnEndsAtA, new ToolTurns(tok, none, Map.of()), 1,
                    env, 2);
            var prompts = TinyModels.prompts(tok, "abc", "fed", "cc", "a", "bad", "e");
            List<int[]> ids = prompts.stream().map(Prompt::ids).toList();
            SamplingParams sampling = new SamplingParams(1.0, 0, 1.0, 0.0, 1.0, 12, List.of());
            Evaluator.Sampler episodes = (p, rows, n, params, seed) ->
                    Evaluator.Sampled.of(rollout.generate(policy, p, rows, n, params, seed));
            Map<String, Double> m = new HeldOutData(prompts, rewards, sampling, 2, 1.0, 7, episodes).evaluate(policy);

            // the environment's rewards of the same draws, averaged by hand over the episodes that got one
            Episodes greedy = rollout.generate(policy, ids, 1, SamplingParams.greedy(12), Seeds.of(7, 0, Seeds.EVAL));
            Episodes sampled = rollout.generate(policy, ids, 2, sampling, Seeds.of(7, 0, Seeds.EVAL));
            double[] g = environmentRewards(greedy);
            double[] s = environmentRewards(sampled);
            assertThat(g[1]).as("greedy episodes got environment rewards (precondition)").isPositive();
            assertThat(g[0]).as("and they are not all 0 (precondition)").isNotZero();
            assertThat(s[1]).as("sampled episodes got environment rewards (precondition)").isPositive();

            assertThat(m.get("eval/greedy/rewards/env/mean")).isCloseTo(g[0] / g[1], within(1e-9));
            assertThat(m.get("eval/sampled/rewards/env/mean")).isCloseTo(s[0] / s[1], within(1e-9));
        }
    }

    /** {sum of the episodes' environment rewards, number of episodes that got one}. */
    private static double[] environmentRewards(Episodes e) {
        double sum = 0;
        int got = 0;
        for (Double r : e.environment().rewards()) {
            if (r != null) {
                sum += r;
                got++;
            }
        }
        return new double[] {sum, got};
    }

    /** The share of completions that contain {@code ddd}. */
    private static double share(LanguageModelPolicy policy, Completions c) {
        int hits = 0;
        for (int[] t : c.tokens()) {
            hits += policy.decode(t).contains("ddd") ? 1 : 0;
        }
        return (double) hits / c.size();
    }

    /**
     * {mean has_a, mean length score, share of passing completions (total ≥ 1), share of prompts with at
     * least one passing completion (pass@n with k = n), number of prompts with a mix of passing and failing}.
     */
    private static double[] byHand(LanguageModelPolicy policy, Completions c, int prompts, int n) {
        double a = 0;
        double len = 0;
        int pass = 0;
        int[] perPrompt = new int[prompts];
        for (int i = 0; i < c.size(); i++) {
            String text = policy.decode(c.tokens()[i]);
            double hasA = text.contains("a") ? 1 : 0;
            double l = text.length() / 10.0;
            a += hasA;
            len += l;
            if (hasA + l >= 1.0) {
                pass++;
                perPrompt[c.promptIndex()[i]]++;
            }
        }
        int solved = 0;
        int mixed = 0;
        for (int k : perPrompt) {
            solved += k > 0 ? 1 : 0;
            mixed += k > 0 && k < n ? 1 : 0;
        }
        return new double[] {a / c.size(), len / c.size(), (double) pass / c.size(), (double) solved / prompts, mixed};
    }
}
