package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.reward.RewardFunction;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    /** 1 − C(n−c, k)/C(n, k) written with binomials, the definition the product form must match. */
    private static double passAtKByBinomials(int n, int c, int k) {
        return 1.0 - binomial(n - c, k) / binomial(n, k);
    }

    private static double binomial(int n, int k) {
        if (k < 0 || k > n) {
            return 0;
        }
        double r = 1;
        for (int i = 1; i <= k; i++) {
            r = r * (n - k + i) / i;
        }
        return r;
    }

    @Test
    void passAtKEqualsTheBinomialDefinition() {
        for (int n = 1; n <= 10; n++) {
            for (int c = 0; c <= n; c++) {
                for (int k = 1; k <= n; k++) {
                    assertThat(Evaluator.passAtK(n, c, k)).as("n=%d c=%d k=%d", n, c, k)
                            .isCloseTo(passAtKByBinomials(n, c, k), within(1e-12));
                }
            }
        }
        assertThat(Evaluator.passAtK(4, 1, 1)).isCloseTo(0.25, within(1e-15));
        assertThatThrownBy(() -> Evaluator.passAtK(2, 1, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void evaluateCountsRewardsAccuracyAndPassAtKOverSampledCompletions() {
        var tok = TinyModels.tokenizer();
        try (LanguageModelPolicy policy = TinyModels.policy(41);
                RewardSet rewards = RewardSet.of(RewardFunction.of("has_a", (p, c, row) -> c.contains("a") ? 1.0 : 0.0))) {
            var prompts = TinyModels.prompts(tok, "abc", "fed", "cc");
            SamplingParams sampling = new SamplingParams(1.0, 0, 1.0, 0.0, 1.0, 5, List.of());
            Evaluator.Result r = Evaluator.evaluate(policy, prompts, rewards, sampling, 4, 2, 1.0, 3);
            // the same draws, scored by hand
            var c = policy.generate(List.of(prompts.get(0).ids(), prompts.get(1).ids(), prompts.get(2).ids()), 4,
                    sampling, Seeds.of(3, 0, Seeds.EVAL));
            int[] correct = new int[3];
            int total = 0;
            for (int i = 0; i < c.size(); i++) {
                if (policy.decode(c.tokens()[i]).contains("a")) {
                    correct[c.promptIndex()[i]]++;
                    total++;
                }
            }
            double pass = 0;
            for (int k : correct) {
                pass += passAtKByBinomials(4, k, 2) / 3;
            }
            assertThat(r.prompts()).isEqualTo(3);
            assertThat(r.samples()).isEqualTo(4);
            assertThat(r.accuracy()).isCloseTo(total / 12.0, within(1e-12));
            assertThat(r.meanReward()).isCloseTo(total / 12.0, within(1e-12));
            assertThat(r.passAtK()).isCloseTo(pass, within(1e-12));
        }
    }
}
