package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.config.ConfigException;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.RewardSpec;
import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.reward.RewardRegistry;
import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.reward.RewardInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every built-in reward type, written in a config file, loads, validates, builds and scores. */
class RewardTypesFromConfigTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            model:
              config: {hidden_size: 8}
              tokenizer: "char:0123456789"
            data:
              task: arithmetic
            """;

    private GrpoConfig load(String yaml) throws IOException {
        Path file = dir.resolve("train.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, List.of());
    }

    @Test
    void eachBuiltInTypeWorksFromAConfigFile() throws IOException {
        Path scorer = dir.resolve("score.py");
        Files.writeString(scorer, """
                import sys, json
                for line in sys.stdin:
                    req = json.loads(line)
                    print(json.dumps([float(len(c)) for c in req['completions']]), flush=True)
                """);
        GrpoConfig c = load(HEAD + """
                rewards:
                  - {name: exact, type: exact_match, params: {tag: answer}}
                  - {name: numeric, type: numeric_match, params: {tolerance: 0.1}}
                  - {name: re, type: regex, params: {pattern: '\\d+\\.\\d+'}}
                  - {name: fmt, type: format}
                  - {name: len, type: length, params: {coefficient: 0.5, target: 3, unit: chars}}
                  - {name: over, type: overlong_penalty, params: {max_length: 20, cache: 4}}
                  - {name: env, type: environment}
                  - name: ext
                    type: external
                    params: {command: [python3, %s], timeout_s: 30}
                """.formatted(scorer));
        assertThat(c.rewards().stream().map(RewardSpec::type).distinct())
                .as("the config covers every built-in type")
                .containsExactlyInAnyOrderElementsOf(RewardRegistry.types());

        String c0 = "<think>t</think><answer>42</answer>"; // 35 chars
        String c1 = "42.05";
        List<RewardInput> batch = List.of(
                new RewardInput("p", c0, Map.of("answer", "42"), 17, false),
                new RewardInput("p", c1, Map.of("answer", "42", "environment_reward", 0.75), 18, false));
        try (RewardSet set = RunParts.rewards(c.rewards(), c.rewardOnError(), null)) {
            RewardResult r = set.score(batch);
            // by hand, per docs/rewards.md
            assertThat(List.of(r.value("exact", 0), r.value("exact", 1))).containsExactly(1.0, 0.0);
            assertThat(List.of(r.value("numeric", 0), r.value("numeric", 1))).containsExactly(1.0, 1.0);
            assertThat(List.of(r.value("re", 0), r.value("re", 1))).containsExactly(0.0, 1.0);
            assertThat(List.of(r.value("fmt", 0), r.value("fmt", 1))).containsExactly(1.0, 0.0);
            // -0.5 * |35 - 3| and -0.5 * |5 - 3|
            assertThat(List.of(r.value("len", 0), r.value("len", 1))).containsExactly(-16.0, -1.0);
            // L_max 20, cache 4: 17 tokens -> -(17 - 16) / 4, 18 -> -2 / 4
            assertThat(r.value("over", 0)).isCloseTo(-0.25, within(1e-12));
            assertThat(r.value("over", 1)).isCloseTo(-0.5, within(1e-12));
            assertThat(List.of(r.value("ext", 0), r.value("ext", 1))).containsExactly(35.0, 5.0);
            // the episode's environment reward; none (no environment) does not apply
            assertThat(r.value("env", 0)).isNull();
            assertThat(r.value("env", 1)).isEqualTo(0.75);
        }
    }

    @Test
    void theOldNameOverlongIsRefusedNamingTheValidOne() {
        assertThatThrownBy(() -> load(HEAD + """
                rewards:
                  - {name: over, type: overlong, params: {max_length: 20, cache: 4}}
                """))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("train.yaml:7")
                .hasMessageContaining("overlong_penalty");
    }

    @Test
    void badRewardParametersAreCaughtWhenTheConfigIsLoaded() {
        assertThatThrownBy(() -> load(HEAD + """
                rewards:
                  - name: ext
                    type: external
                    params: {command: [python3, score.py], timeout_s: -1}
                  - {name: re, type: regex, params: {pattern: '(unclosed'}}
                  - {name: over, type: overlong_penalty, params: {max_length: 20}}
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(3))
                .hasMessageContaining("rewards[0].params")
                .hasMessageContaining("'timeout_s' must be > 0")
                .hasMessageContaining("rewards[1].params")
                .hasMessageContaining("not a valid regular expression")
                .hasMessageContaining("rewards[2].params")
                .hasMessageContaining("'cache' is required");
    }
}
