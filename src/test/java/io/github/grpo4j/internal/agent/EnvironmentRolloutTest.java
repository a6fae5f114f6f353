package io.github.grpo4j.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.internal.environment.EnvironmentPool;
import io.github.grpo4j.internal.environment.ExternalEnvironment;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.process.LineProcess;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.tools.ToolBox;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.SamplingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Episodes against an environment on a tiny random model. A turn ends at {@code a} (the test parser's stop
 * string; there are no tools). The game: guess the row's secret letter; a turn that contains it wins
 * (reward 1, done), any other turn gets the feedback {@code no} and −0.25.
 */
class EnvironmentRolloutTest {

    /** Guess the secret letter; feedback {@code no} after a wrong guess. */
    static class Guess implements Environment {
        String secret;

        @Override
        public List<Map<String, Object>> reset(Map<String, Object> row) {
            secret = (String) row.get("secret");
            return List.of();
        }

        @Override
        public Step step(String message) {
            return message.contains(secret) ? Step.done(1.0) : Step.reply("no", -0.25);
        }
    }

    static MultiTurnRollout rollout(CharTokenizer tok, ToolBox none, EnvironmentPool env, int turns) {
        return new MultiTurnRollout(none, MultiTurnRolloutTest.A_CALLS_ECHO, new ToolTurns(tok, none, Map.of()), 1, env,
                turns);
    }

    static ToolBox noTools() {
        return new ToolBox(List.of(), Duration.ofSeconds(10));
    }

    static List<Map<String, Object>> rows(String... secrets) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String s : secrets) {
            out.add(Map.of("secret", s));
        }
        return out;
    }

    @Test
    void feedbackIsMaskedContextAndTheRewardsAddUpAsTheGameWasPlayed() {
        try (LanguageModelPolicy policy = MultiTurnRolloutTest.policy(3); ToolBox none = noTools();
                EnvironmentPool env = new EnvironmentPool(Guess::new, Duration.ofSeconds(10), null)) {
            CharTokenizer tok = (CharTokenizer) policy.tokenizer();
            List<int[]> prompts = List.of(tok.encode("ab"), tok.encode("bab"), tok.encode("b"));
            int budget = 40;
            Episodes e = rollout(tok, none, env, 4).generate(policy, prompts, rows("o", "r", "b"), 4,
                    SamplingParams.defaults(budget), 11);
            Completions c = e.completions();
            int[] feedback = tok.encode("no");
            int multiTurn = 0, wins = 0;
            for (int r = 0; r < c.size(); r++) {
                List<Map<String, Object>> conv = e.conversations().get(r);
                String secret = List.of("o", "r", "b").get(r / 4);
                // replay the turns the game answered (reset + one step each) against a fresh game
                assertThat(e.environment().failures()[r]).isZero();
                int steps = e.environment().calls()[r] - 1;
                Guess replay = new Guess();
                replay.reset(Map.of("secret", secret));
                double reward = 0;
                int assistant = 0, answered = 0, goOn = 0;
                for (int i = 0; i < conv.size(); i++) {
                    Map<String, Object> m = conv.get(i);
                    if (!m.get("role").equals("assistant")) {
                        continue;
                    }
                    assistant++;
                    if (answered == steps) {
                        continue;
                    }
                    answered++;
                    Environment.Step s = replay.step((String) m.get("content"));
                    reward += s.reward();
                    wins += s.done() ? 1 : 0;
                    if (!s.done()) {
                        goOn++;
                        assertThat(conv.get(i + 1)).isEqualTo(Map.of("role", "user", "content", "no"));
                    }
                }
                assertThat(answered).isEqualTo(steps);
                assertThat(steps).as("every turn is answered but one cut by the budget")
                        .isBetween(assistant - 1, assistant);
                assertThat(e.turns()[r]).isEqualTo(assistant).isLessThanOrEqualTo(4);
                if (steps > 0) {
                    assertThat(e.environment().rewards()[r]).isEqualTo(reward);
                } else {
                    assertThat(e.environment().rewards()[r]).isNull();
                }
                multiTurn += assistant > 1 ? 1 : 0;
                // every unsampled stretch is exactly one feedback message
                int[] t = c.tokens()[r];
                int j = 0, contexts = 0;
                while (j < t.length) {
                    if (c.isSampled(r, j)) {
                        j++;
                        continue;
                    }
                    int k = j;
                    while (k < t.length && !c.isSampled(r, k)) {
                        k++;
                    }
                    assertThat(java.util.Arrays.copyOfRange(t, j, k)).isEqualTo(feedback);
                    contexts++;
                    j = k;
                }
                // each wrong guess's feedback is context, but the last one's when the episode ended there
                assertThat(contexts).as("episode %d", r).isBetween(goOn - 1, goOn);
                assertThat(contexts).isLessThanOrEqualTo(assistant - 1 < 0 ? 0 : assistant - 1);
            }
            assertThat(multiTurn).as("some episodes got feedback and went on (precondition)").isPositive();
            assertThat(wins).as("some guesses won (precondition)").isPositive();
            Map<String, Double> m = e.metrics();
            assertThat(m).containsKeys("environment/reward", "environment/failure_frequency");
            assertThat(m.get("environment/failure_frequency")).isZero();
        }
    }

    @Test
    void theEnvironmentAnswersAtMostMaxTurnsTurns() {
        try (LanguageModelPolicy policy = MultiTurnRolloutTest.policy(3); ToolBox none = noTools();
                EnvironmentPool env = new EnvironmentPool(Guess::new, Duration.ofSeconds(10), null)) {
            CharTokenizer tok = (CharTokenizer) policy.tokenizer();
            // a secret that is never written: every episode goes on until the turn limit or the budget
            Episodes e = rollout(tok, none, env, 2).generate(policy, List.of(tok.encode("ab")), rows("#"), 6,
                    SamplingParams.defaults(60), 5);
            for (int r = 0; r < e.size(); r++) {
                assertThat(e.turns()[r]).isLessThanOrEqualTo(2);
            }
            assertThat(java.util.stream.IntStream.of(e.turns()).max().getAsInt()).isEqualTo(2);
        }
    }

    /** Each failure ends its episode, is counted, and never throws. */
    @Test
    void aThrowingAHangingAndAnUnbuildableEnvironmentEachEndTheEpisodeAsFailed() {
        Supplier<Environment> throwsOnStep = () -> new Guess() {
            @Override
            public Step step(String message) {
                throw new IllegalStateException("board on fire");
            }
        };
        Supplier<Environment> hangs = () -> new Guess() {
            @Override
            public Step step(String message) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Step.done(1.0);
            }
        };
        Supplier<Environment> unbuildable = () -> {
            throw new IllegalArgumentException("no board");
        };
        assertFailsEveryEpisode(throwsOnStep, Duration.ofSeconds(10), "board on fire", 2);
        assertFailsEveryEpisode(hangs, Duration.ofMillis(200), "took longer than 0.2 s", 2);
        assertFailsEveryEpisode(unbuildable, Duration.ofSeconds(10), "no board", 1);
    }

    @Test
    void anExternalEnvironmentThatAnswersGarbageOrDiesFailsItsEpisodes(@TempDir Path tmp) throws Exception {
        Episodes e = playExternal(tmp, """
                import json, sys
                for line in sys.stdin:
                    req = json.loads(line)
                    if "reset" in req:
                        print(json.dumps({"messages": []}), flush=True)
                    elif req["episode"] % 2 == 0:
                        print("not json", flush=True)
                    else:
                        sys.exit(3)
                """);
        for (int r : stepped(e)) {
            List<Map<String, Object>> conv = e.conversations().get(r);
            Map<String, Object> last = conv.get(conv.size() - 1);
            assertThat(last.get("role")).isEqualTo("environment_error");
            assertThat((String) last.get("content")).containsAnyOf("malformed reply", "exited");
            assertThat(e.environment().failures()[r]).isEqualTo(1);
            assertThat(e.turns()[r]).isEqualTo(1);
        }
    }

    @Test
    void anExternalEnvironmentsErrorReplyFailsItsEpisodeWithItsMessage(@TempDir Path tmp) throws Exception {
        Episodes e = playExternal(tmp, """
                import json, sys
                for line in sys.stdin:
                    req = json.loads(line)
                    if "reset" in req:
                        print(json.dumps({"messages": []}), flush=True)
                    else:
                        print(json.dumps({"error": "the board is full"}), flush=True)
                """);
        for (int r : stepped(e)) {
            List<Map<String, Object>> conv = e.conversations().get(r);
            // the environment's own message, not a complaint about the reply's shape
            assertThat(conv.get(conv.size() - 1)).containsEntry("role", "environment_error");
            assertThat((String) conv.get(conv.size() - 1).get("content")).contains("the board is full")
                    .doesNotContain("malformed");
            assertThat(e.environment().failures()[r]).isEqualTo(1);
            assertThat(e.environment().rewards()[r]).isNull();
            assertThat(e.turns()[r]).isEqualTo(1);
        }
        assertThat(e.metrics().get("environment/failure_frequency")).isGreaterThan(0.0);
    }

    /** Plays 4 episodes of the tiny policy against {@code script} run as an external environment. */
    private static Episodes playExternal(Path tmp, String script) throws Exception {
        Path file = tmp.resolve("env.py");
        Files.writeString(file, script);
        ExternalEnvironment external = new ExternalEnvironment(new LineProcess("environment",
                List.of("python3", file.toString()), Duration.ofSeconds(30), null, Map.of()));
        try (LanguageModelPolicy policy = MultiTurnRolloutTest.policy(3); ToolBox none = noTools();
                EnvironmentPool env = new EnvironmentPool(external, Duration.ofSeconds(60), external)) {
            CharTokenizer tok = (CharTokenizer) policy.tokenizer();
            return rollout(tok, none, env, 4).generate(policy, List.of(tok.encode("ab")), rows("o"), 4,
                    SamplingParams.defaults(40), 11);
        }
    }

    /** The episodes whose first turn left room for an environment step (precondition: at least one). */
    private static List<Integer> stepped(Episodes e) {
        List<Integer> rows = new java.util.ArrayList<>();
        for (int r = 0; r < e.size(); r++) {
            if (!e.completions().truncated()[r]) { // else the first turn used the whole budget: no step was made
                rows.add(r);
            }
        }
        assertThat(rows).as("episodes reached a step (precondition)").isNotEmpty();
        return rows;
    }

    private static void assertFailsEveryEpisode(Supplier<Environment> factory, Duration limit, String why,
            int callsPerEpisode) {
        try (LanguageModelPolicy policy = MultiTurnRolloutTest.policy(3); ToolBox none = noTools();
                EnvironmentPool env = new EnvironmentPool(factory, limit, null)) {
            CharTokenizer tok = (CharTokenizer) policy.tokenizer();
            Episodes e = rollout(tok, none, env, 4).generate(policy, List.of(tok.encode("ab")), rows("o"), 3,
                    SamplingParams.defaults(40), 11);
            int failed = 0;
            for (int r = 0; r < e.size(); r++) {
                if (e.completions().truncated()[r]) {
                    continue;
                }
                List<Map<String, Object>> conv = e.conversations().get(r);
                assertThat(conv.get(conv.size() - 1)).containsEntry("role", "environment_error");
                assertThat((String) conv.get(conv.size() - 1).get("content")).contains(why);
                assertThat(e.environment().calls()[r]).isEqualTo(callsPerEpisode);
                assertThat(e.environment().rewards()[r]).isNull();
                assertThat(e.turns()[r]).isLessThanOrEqualTo(1);
                failed++;
            }
            assertThat(failed).as("episodes that reached the failure (precondition)").isPositive();
            assertThat(e.metrics().get("environment/failure_frequency")).isGreaterThan(0.0);
        }
    }
}
