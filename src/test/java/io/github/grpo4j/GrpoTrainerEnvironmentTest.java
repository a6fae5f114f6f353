package io.github.grpo4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.policy.TransformerPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GrpoTrainer.builder().environment(...)}: episodes against a Java environment, from code only. */
class GrpoTrainerEnvironmentTest {

    /** Says "P" (reward 0.1) after every turn that lacks a P; a turn with one ends the episode with reward 1. */
    static final class HintP implements Environment {
        @Override
        public List<Map<String, Object>> reset(Map<String, Object> row) {
            return List.of();
        }

        @Override
        public Step step(String message) {
            return message.contains("P") ? Step.done(1.0) : Step.reply("P", 0.1);
        }
    }

    @Test
    void episodesAgainstAnEnvironmentFromTheBuilderReachTheRewardFunctions(@TempDir Path tmp) {
        List<StepResult> seen = new ArrayList<>();
        try (TransformerPolicy policy = GrpoTrainerTest.tinyPolicy();
                GrpoTrainer trainer = GrpoTrainerTest.capitals(policy, tmp.resolve("run"))
                        .reward("env", (prompt, completion, row) -> (Double) row.get("environment_reward"))
                        // a turn ends at each "a", so a random model's episodes have several turns
                        .set("generation.max_completion_length=16", "generation.stop=[a]", "environment.max_turns=3")
                        .environment(HintP::new).onStep(seen::add).build()) {
            trainer.train();
        }
        assertThat(seen).isNotEmpty().allSatisfy(s -> assertThat(s.metrics())
                .containsKeys("environment/failure_frequency", "turns/mean", "rewards/env/mean"));
        assertThat(seen).as("the environment answered turns and rewarded episodes (precondition)")
                .anyMatch(s -> s.metric("turns/max") >= 2)
                .anyMatch(s -> s.metric("environment/reward") > 0);
    }
}
