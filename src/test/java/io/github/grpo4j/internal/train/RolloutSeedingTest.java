package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.Sample;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.RolloutSeeding;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.reward.RewardFunction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code training.rollout_seeding: group}: each prompt group is sampled from its own stream
 * {@code Seeds.group(Seeds.of(seed, step, GENERATION), group)}, so a group's completions depend neither on the
 * other groups of the step nor on the machine that draws them (a distributed executor draws the same).
 */
class RolloutSeedingTest {
    private static final GrpoStepTrainer.Options OPTIONS = TinyModels.options(LossType.GRPO, 16, 1, 0.0, 1e-2);

    /** The completions of step {@code step}'s round over {@code prompts}, in row order. */
    private static List<String> completions(RolloutSeeding seeding, int step, String... prompts) {
        try (LanguageModelPolicy policy = TinyModels.policy(3);
                RewardSet rewards = RewardSet.of(RewardFunction.of("a", (p, c, row) -> TinyModels.shareOfA(c)));
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, OPTIONS, rewards).rolloutSeeding(seeding)) {
            List<Prompt> p = TinyModels.prompts(TinyModels.tokenizer(), prompts);
            return trainer.round(step, 1, () -> p).get(0).samples().stream().map(Sample::completion).toList();
        }
    }

    /** Group {@code group}'s completions drawn alone, as a distributed executor draws them. */
    private static List<String> drawnAlone(int step, int group, String prompt) {
        try (LanguageModelPolicy policy = TinyModels.policy(3)) {
            long seed = Seeds.group(Seeds.of(OPTIONS.seed(), step, Seeds.GENERATION), group);
            Completions c = policy.generate(List.of(TinyModels.tokenizer().encode(prompt)), OPTIONS.numGenerations(),
                    OPTIONS.sampling(), seed);
            List<String> out = new ArrayList<>();
            for (int[] t : c.tokens()) {
                out.add(policy.decode(t));
            }
            return out;
        }
    }

    @Test
    void eachGroupIsSampledFromItsOwnSeedWhateverTheOtherGroupsAre() {
        int g = OPTIONS.numGenerations();
        List<String> ab = completions(RolloutSeeding.GROUP, 2, "ab", "ba");
        List<String> cb = completions(RolloutSeeding.GROUP, 2, "cd", "ba");
        // precondition: sampling varies, so equal lists are not a constant
        assertThat(ab.subList(0, g).stream().distinct().count()).as("completions vary").isGreaterThan(1);
        assertThat(ab.subList(g, 2 * g)).as("group 1 does not depend on group 0").isEqualTo(cb.subList(g, 2 * g));
        assertThat(ab.subList(0, g)).isEqualTo(drawnAlone(2, 0, "ab"));
        assertThat(ab.subList(g, 2 * g)).isEqualTo(drawnAlone(2, 1, "ba"));
        // two groups of the same prompt draw from different streams
        List<String> twice = completions(RolloutSeeding.GROUP, 2, "ab", "ab");
        assertThat(twice.subList(0, g)).isNotEqualTo(twice.subList(g, 2 * g));
    }

    @Test
    void batchSeedingDrawsFromTheStepsOneStream() {
        assertThat(completions(RolloutSeeding.BATCH, 2, "ab", "ba")).isNotEqualTo(completions(RolloutSeeding.GROUP, 2, "ab", "ba"));
    }
}
