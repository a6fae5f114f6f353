package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.reward.RewardFunction;
import org.junit.jupiter.api.Test;

/**
 * The KL penalty measures the policy against the <em>reference</em> model it was given, not against
 * itself. At the first step the policy has not moved, so a KL taken against the current policy (or its
 * pre-update snapshot) is exactly 0 whatever the reference; against a reference that is a different
 * model it is clearly positive, and against an exact copy of the policy it is 0.
 */
class KlReferenceTest {

    private static double firstStepKl(LanguageModelPolicy policy, LanguageModelPolicy reference) {
        try (RewardSet rewards = RewardSet.of(RewardFunction.of("share_a", (p, c, row) -> TinyModels.shareOfA(c)));
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, reference,
                        TinyModels.options(LossType.GRPO, 16, 1, 0.04, 1e-2), rewards)) {
            var prompts = TinyModels.prompts(TinyModels.tokenizer(), "abc", "fed", "b", "ccc");
            return trainer.step(1, prompts).metrics().get("kl");
        }
    }

    @Test
    void atTheFirstStepKlIsPositiveAgainstADifferentReferenceAndZeroAgainstACopy() {
        double other;
        try (LanguageModelPolicy policy = TinyModels.policy(4)) {
            other = firstStepKl(policy, TinyModels.policy(77)); // the trainer closes the reference
        }
        double same;
        try (LanguageModelPolicy policy = TinyModels.policy(4)) {
            same = firstStepKl(policy, TinyModels.policy(4)); // the same weights, a separate model
        }
        assertThat(same).as("KL against an identical reference").isEqualTo(0.0);
        // two random tiny models disagree on every token: k3 per token is well above rounding noise
        assertThat(other).as("KL against a different reference").isGreaterThan(1e-3);
    }
}
