package io.github.grpo4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.policy.TransformerPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options TRL and verl users reach for, set through the builder's config keys on a tiny run:
 * CISPO, GDPO, the entropy bonus and mask, evaluation on a held-out file, TensorBoard. The numbers are
 * tested against hand computations in the algo and report tests; this checks that each key reaches the
 * run and its metrics are written.
 */
class TrainerOptionsTest {

    @Test
    void trlAndVerlOptionsFromTheBuilder(@TempDir Path tmp) throws Exception {
        Path eval = tmp.resolve("eval.jsonl");
        Files.writeString(eval, "{\"prompt\": \"" + GrpoTrainerTest.QUESTION + "\", \"answer\": \"Paris\"}\n"
                + "{\"prompt\": \"" + GrpoTrainerTest.QUESTION + " \", \"answer\": \"Paris\"}\n");
        Path out = tmp.resolve("run");
        List<StepResult> steps = new ArrayList<>();
        try (TransformerPolicy policy = GrpoTrainerTest.tinyPolicy();
                GrpoTrainer trainer = GrpoTrainerTest.capitals(policy, out)
                        .reward("short", (p, c, row) -> c.length() < 4 ? 1.0 : 0.0)
                        .set("training.max_steps=2", "generation.temperature=1.0",
                                "loss.loss_type=cispo", "loss.epsilon_high=5.0",
                                "loss.multi_objective_aggregation=normalize_then_sum",
                                "loss.entropy_coeff=0.01", "loss.top_entropy_quantile=0.5",
                                "data.eval_file=" + eval, "logging.eval_steps=2", "logging.num_generations_eval=3",
                                "logging.report_to=tensorboard")
                        .onStep(steps::add)
                        .build()) {
            trainer.train();
        }
        assertThat(steps).hasSize(2);
        for (StepResult s : steps) {
            assertThat(s.metrics()).containsKeys("cispo_clip_ratio", "entropy/pos_0-7")
                    .doesNotContainKey("clip_ratio/region_mean");
            assertThat(s.metric("loss")).isFinite();
        }
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> evalLines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = json.readTree(line);
            if (n.has("eval/greedy/reward")) {
                evalLines.add(n);
            }
        }
        assertThat(evalLines).extracting(n -> n.get("step").asInt()).containsExactly(0, 2);
        for (JsonNode n : evalLines) {
            for (String key : List.of("eval/greedy/rewards/paris/mean", "eval/greedy/rewards/short/mean", "eval/greedy/pass@1",
                    "eval/sampled/reward", "eval/sampled/pass@1", "eval/sampled/pass@3")) {
                assertThat(n.has(key)).as(key).isTrue();
            }
        }
        try (Stream<Path> files = Files.list(out.resolve("tensorboard"))) {
            List<Path> events = files.toList();
            assertThat(events).hasSize(1);
            assertThat(Files.size(events.get(0))).isGreaterThan(200);
        }
    }
}
