package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.policy.TransformerPolicies;
import io.github.grpo4j.policy.TransformerPolicy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapitalOfFranceTest {

    @Test
    void grpoTeachesTheTinyModelToAnswerParis(@TempDir Path tmp) {
        CapitalOfFrance.Outcome o = CapitalOfFrance.train(tmp.resolve("run"), 400, new PrintStream(System.out));

        assertEquals(400, o.result().steps());
        assertEquals(400, o.rewards().size());
        double first = mean(o.rewards().subList(0, 50));
        double last = mean(o.rewards().subList(350, 400));
        System.out.printf("mean reward: first 50 steps %.3f, last 50 steps %.3f; answer '%s' -> '%s'%n", first, last,
                o.answerBefore(), o.answerAfter());
        assertTrue(first < 0.3, "a random model is far from 'Paris' at first: " + first);
        assertTrue(last > 0.6, "after GRPO most completions are within two edits of 'Paris': " + last);
        assertTrue(CapitalOfFrance.reward(o.answerAfter(), "Paris") > CapitalOfFrance.reward(o.answerBefore(), "Paris"),
                "the greedy answer moved towards 'Paris': '" + o.answerBefore() + "' -> '" + o.answerAfter() + "'");

        // the saved directory is a model that loads back and answers the same
        Path saved = tmp.resolve("run").resolve("model");
        assertTrue(Files.exists(saved.resolve("config.json")) && Files.exists(saved.resolve("model.safetensors")));
        try (TransformerPolicy reloaded = TransformerPolicies.load(saved)) {
            SamplingParams greedy = SamplingParams.greedy(8);
            assertEquals(o.answerAfter(), reloaded.complete(CapitalOfFrance.QUESTION, 1, greedy, 0).get(0));
        }
    }

    @Test
    void theRewardIsOneForTheAnswerAndFallsWithEachEdit() {
        assertEquals(1.0, CapitalOfFrance.reward("Paris", "Paris"), 1e-12);
        assertEquals(1.0, CapitalOfFrance.reward(" Paris\n", "Paris"), 1e-12);
        assertEquals(0.8, CapitalOfFrance.reward("Pari", "Paris"), 1e-12);
        assertEquals(0.8, CapitalOfFrance.reward("Parisx", "Paris"), 1e-12);
        assertEquals(0.6, CapitalOfFrance.reward("Lris", "Paris"), 1e-12);
        assertEquals(0.0, CapitalOfFrance.reward("", "Paris"), 1e-12);
        assertEquals(0.0, CapitalOfFrance.reward("London", "Paris"), 1e-12);
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
