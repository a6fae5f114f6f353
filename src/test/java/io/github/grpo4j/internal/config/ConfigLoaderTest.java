package io.github.grpo4j.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.ConfigException;
import io.github.grpo4j.config.DataSection;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.config.RewardSpec;
import io.github.grpo4j.config.StdKind;
import io.github.grpo4j.reward.RewardOnError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    /** The smallest usable config: a fresh model and a built-in task. */
    static final String MINIMAL = """
            model:
              config: {hidden_size: 8}
              tokenizer: "char:0123456789"
            data:
              task: arithmetic
            """;

    static GrpoConfig parse(String yaml, String... overrides) {
        return ConfigLoader.parse(GrpoConfig.class, "t.yaml", yaml, List.of(overrides));
    }

    static ConfigException failure(String yaml, String... overrides) {
        try {
            parse(yaml, overrides);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void minimalConfigFillsEveryOtherKeyWithItsDefault() {
        GrpoConfig c = parse(MINIMAL);
        GrpoConfig d = GrpoConfig.defaults();
        assertThat(c.model()).isEqualTo(new ModelSection(null, Map.of("hidden_size", 8), "char:0123456789", null));
        assertThat(c.data()).isEqualTo(new DataSection(null, "arithmetic", Map.of(), "prompt", "messages", true, 512, null));
        assertThat(c.generation()).isEqualTo(d.generation());
        assertThat(c.training()).isEqualTo(d.training());
        assertThat(c.loss()).isEqualTo(d.loss());
        assertThat(c.checkpoint()).isEqualTo(d.checkpoint());
        assertThat(c.logging()).isEqualTo(d.logging());
        assertThat(c.seed()).isZero();
        assertThat(c.outputDir()).isEqualTo("runs/grpo");
        assertThat(c.rewardOnError()).isEqualTo(RewardOnError.RAISE);
    }

    @Test
    void defaultsAreTheDocumentedTrlAndDeepSeekMathValues() {
        GrpoConfig d = GrpoConfig.defaults();
        assertThat(d.generation().numGenerations()).isEqualTo(8);
        assertThat(d.generation().maxCompletionLength()).isEqualTo(256);
        assertThat(d.training().learningRate()).isEqualTo(1e-6);
        assertThat(d.training().adamBeta2()).isEqualTo(0.99);
        assertThat(d.loss().beta()).isEqualTo(0.04);
        assertThat(d.loss().klEstimator()).isEqualTo(KlEstimator.K3);
        assertThat(d.loss().std()).isEqualTo(StdKind.POPULATION);
        assertThat(d.loss().stdEps()).isZero();
        assertThat(d.loss().epsilon()).isEqualTo(0.2);
        assertThat(d.loss().effectiveEpsilonHigh()).isEqualTo(0.2);
        assertThat(d.loss().effectiveDualClip()).isZero();
        assertThat(d.loss().refModelMixupAlpha()).isEqualTo(0.6);
    }

    @Test
    void valuesInNestedSectionsAndListsAreBound() {
        GrpoConfig c = parse("""
                seed: 7
                output_dir: runs/x
                model: {path: null, config: cfg.json, tokenizer: tok.json}
                data: {train_file: d.jsonl, prompt_field: question, shuffle: false}
                rewards:
                  - name: correct
                    type: exact_match
                    params: {field: answer}
                  - {name: fmt, type: regex, weight: 0.5, params: {pattern: "^<a>"}}
                generation: {num_generations: 4, stop: ["\\n", "</a>"], top_p: 0.9}
                training: {max_steps: 3, learning_rate: 1e-4, lr_scheduler_type: cosine}
                loss: {beta: 0, epsilon_high: 0.28, dual_clip: 3, loss_type: dr_grpo, std: sample}
                """);
        assertThat(c.seed()).isEqualTo(7L);
        assertThat(c.model().configPath()).isEqualTo("cfg.json");
        assertThat(c.model().inlineConfig()).isNull();
        assertThat(c.data().trainFile()).isEqualTo("d.jsonl");
        assertThat(c.data().promptField()).isEqualTo("question");
        assertThat(c.data().shuffle()).isFalse();
        assertThat(c.rewards()).containsExactly(
                new RewardSpec("correct", "exact_match", null, 1.0, Map.of("field", "answer")),
                new RewardSpec("fmt", "regex", null, 0.5, Map.of("pattern", "^<a>")));
        assertThat(c.generation().stop()).containsExactly("\n", "</a>");
        assertThat(c.generation().topP()).isEqualTo(0.9);
        assertThat(c.generation().samplingParams().maxNewTokens()).isEqualTo(256);
        assertThat(c.training().learningRate()).isEqualTo(1e-4);
        assertThat(c.training().numIterations()).isEqualTo(1);
        assertThat(c.loss().beta()).isZero();
        assertThat(c.loss().effectiveEpsilonHigh()).isEqualTo(0.28);
        assertThat(c.loss().effectiveDualClip()).isEqualTo(3.0);
    }

    @Test
    void unknownKeyNamesFileLineKeyAndClosestValidKey() {
        ConfigException e = failure(MINIMAL + """
                loss:
                  betta: 0.1
                """);
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0))
                .startsWith("t.yaml:7: loss.betta: unknown key 'betta' in 'loss'; did you mean 'beta'?")
                .contains("Valid keys: beta, kl_estimator");
    }

    @Test
    void keyInTheWrongSectionSaysWhereItBelongs() {
        ConfigException e = failure(MINIMAL + """
                loss:
                  learning_rate: 0.1
                beta: 0.1
                """);
        assertThat(e.problems()).containsExactly(
                "t.yaml:7: loss.learning_rate: unknown key 'learning_rate' in 'loss'; 'learning_rate' belongs in "
                        + "'training'. Valid keys: " + String.join(", ", RecordBinder.keys(LossSection.class)),
                "t.yaml:8: beta: unknown key 'beta' in the top level; 'beta' belongs in 'loss'. Valid keys: "
                        + String.join(", ", RecordBinder.keys(GrpoConfig.class)));
    }

    @Test
    void unknownKeyInsideARewardEntryIsFound() {
        ConfigException e = failure(MINIMAL + """
                rewards:
                  - name: a
                    type: regex
                    wieght: 2
                """);
        assertThat(e.problems()).singleElement().asString()
                .startsWith("t.yaml:9: rewards[0].wieght: unknown key 'wieght' in 'rewards[0]'; did you mean 'weight'?");
    }

    @Test
    void wrongTypesNameLineKeyValueAndExpectedType() {
        ConfigException e = failure(MINIMAL + """
                generation:
                  num_generations: eight
                  top_k: 2.5
                  stop: 3
                training:
                  max_steps: null
                loss:
                  mask_truncated_completions: 1
                  kl_estimator: [k3]
                """);
        assertThat(e.problems()).containsExactly(
                "t.yaml:7: generation.num_generations: expected an integer, got 'eight' (a string)",
                "t.yaml:8: generation.top_k: expected an integer, got 2.5 (a number)",
                "t.yaml:9: generation.stop: expected a list, got 3 (a number)",
                "t.yaml:11: training.max_steps: must not be null; expected an integer",
                "t.yaml:13: loss.mask_truncated_completions: expected true or false, got 1 (a number)",
                "t.yaml:14: loss.kl_estimator: expected a string, got a list");
    }

    @Test
    void sectionThatIsNotAMappingIsAnError() {
        ConfigException e = failure(MINIMAL + "loss: 0.04\n");
        assertThat(e.problems()).singleElement().asString()
                .startsWith("t.yaml:6: loss: expected a section (a mapping of keys), got 0.04 (a number); valid keys: beta,");
    }

    @Test
    void emptySectionMeansAllDefaults() {
        assertThat(parse(MINIMAL + "loss:\n").loss()).isEqualTo(LossSection.defaults());
    }

    @Test
    void outOfRangeValuesNameLineKeyValueAndValidRange() {
        ConfigException e = failure(MINIMAL + """
                generation:
                  num_generations: 1
                  top_p: 0
                  temperature: 0
                training:
                  learning_rate: -1e-4
                loss:
                  epsilon: 1.0
                  beta: -0.1
                  ref_model_mixup_alpha: 1.5
                """);
        assertThat(e.problems()).containsExactly(
                "t.yaml:7: generation.num_generations: 1 is out of range; valid: ≥ 2",
                "t.yaml:8: generation.top_p: 0 is out of range; valid: (0, 1]",
                "t.yaml:9: generation.temperature: 0 is out of range; valid: > 0",
                "t.yaml:11: training.learning_rate: -1.0E-4 is out of range; valid: > 0",
                "t.yaml:13: loss.epsilon: 1 is out of range; valid: (0, 1)",
                "t.yaml:14: loss.beta: -0.1 is out of range; valid: ≥ 0",
                "t.yaml:15: loss.ref_model_mixup_alpha: 1.5 is out of range; valid: [0, 1]");
    }

    @Test
    void unknownOptionNamesTheClosestOptionAndAllValidOnes() {
        ConfigException e = failure(MINIMAL + """
                loss:
                  loss_type: grp
                """);
        assertThat(e.problems()).containsExactly(
                "t.yaml:7: loss.loss_type: 'grp' is not an option (did you mean 'grpo'?); valid: grpo, bnpo, dapo, dr_grpo, cispo");
    }

    @Test
    void nanIsRejected() {
        ConfigException e = failure(MINIMAL + "loss: {beta: NaN}\n");
        assertThat(e.problems()).singleElement().asString().contains("loss.beta: NaN is not a finite number; valid: ≥ 0");
    }

    @Test
    void integerOverflowIsAnError() {
        ConfigException e = failure(MINIMAL + "training: {max_steps: 99999999999}\n");
        assertThat(e.problems()).singleElement().asString().contains("99999999999 does not fit");
    }

    @Test
    void numbersWrittenAsYaml11StringsAreAccepted() {
        GrpoConfig c = parse(MINIMAL + "training: {learning_rate: 1e-6, max_steps: '12'}\n");
        assertThat(c.training().learningRate()).isEqualTo(1e-6);
        assertThat(c.training().maxSteps()).isEqualTo(12);
    }

    @Test
    void overridesSetNestedKeysListsAndListEntries() {
        GrpoConfig c = parse(MINIMAL + "rewards: [{name: a, type: regex, params: {pattern: x}}]\n",
                "loss.beta=0", "generation.stop=[x, 'y z']", "rewards.0.weight=2", "rewards[0].params={pattern: p}",
                "data.task_options.digits=3", "seed=42", "model.tokenizer=char:abc");
        assertThat(c.loss().beta()).isZero();
        assertThat(c.generation().stop()).containsExactly("x", "y z");
        assertThat(c.rewards().get(0).weight()).isEqualTo(2.0);
        assertThat(c.rewards().get(0).params()).isEqualTo(Map.of("pattern", "p"));
        assertThat(c.data().taskOptions()).isEqualTo(Map.of("digits", 3));
        assertThat(c.seed()).isEqualTo(42L);
        assertThat(c.model().tokenizer()).isEqualTo("char:abc");
    }

    @Test
    void overrideErrorsNameTheSetArgument() {
        ConfigException e = failure(MINIMAL, "loss.beta=-1", "loss.betaa=0");
        assertThat(e.problems()).containsExactly(
                "--set loss.betaa=0: loss.betaa: unknown key 'betaa' in 'loss'; did you mean 'beta'? Valid keys: "
                        + String.join(", ", RecordBinder.keys(LossSection.class)),
                "--set loss.beta=-1: loss.beta: -1 is out of range; valid: ≥ 0");
    }

    @Test
    void malformedOverridesAreErrors() {
        assertThatThrownBy(() -> parse(MINIMAL, "loss.beta")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--set loss.beta: expected key=value");
        assertThatThrownBy(() -> parse(MINIMAL, "loss..beta=1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("malformed key");
        assertThatThrownBy(() -> parse(MINIMAL, "rewards.3.weight=1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rewards[3] does not exist (rewards has 0 entries); valid: set the whole list");
        assertThatThrownBy(() -> parse(MINIMAL, "model.tokenizer.x=1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("model.tokenizer is 'char:0123456789' (a string), not a mapping");
    }

    @Test
    void overrideOfAWholeSectionMovesItsOriginToTheSetArgument() {
        ConfigException e = failure(MINIMAL + "loss:\n  beta: 0.1\n", "loss={beta: -2}");
        assertThat(e.problems()).containsExactly("--set loss={beta: -2}: loss.beta: -2 is out of range; valid: ≥ 0");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = failure("""
                model: {}
                data: {}
                generation: {num_generations: 0}
                loss: {std: bessel}
                """);
        assertThat(e.problems()).hasSize(6);
        assertThat(e.getMessage()).startsWith("invalid configuration (6 problems):");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("t.yaml:1: model: no model given"))
                .anySatisfy(p -> assertThat(p).startsWith("t.yaml:1: model.tokenizer: must be set"))
                .anySatisfy(p -> assertThat(p).startsWith("t.yaml:2: data: no prompts; valid: `train_file`"))
                .anySatisfy(p -> assertThat(p).startsWith("t.yaml:3: generation.num_generations: 0 is out of range"))
                .anySatisfy(p -> assertThat(p).startsWith("t.yaml:4: loss.std: 'bessel' is not an option"))
                .anySatisfy(p -> assertThat(p).startsWith("t.yaml: rewards: no reward functions"));
    }

    @Test
    void conflictingOptionsAreErrors() {
        ConfigException e = failure("""
                model: {path: m, config: c.json}
                data: {train_file: d.txt, task: sort}
                rewards:
                  - {name: a, type: java}
                  - {name: a, type: regex, class_name: x.Y, params: {pattern: x}}
                training: {warmup_ratio: 0.1, warmup_steps: 5}
                loss: {dual_clip: 0.5}
                """);
        assertThat(e.problems()).containsExactly(
                "t.yaml:1: model.config: both `path` and `config` are set; valid: only one of them",
                "t.yaml:2: data.task: both `train_file` and `task` are set; valid: only one of them",
                "t.yaml:2: data.train_file: 'd.txt' has an unknown format; valid: a path ending in .jsonl, .json or .csv",
                "t.yaml:4: rewards[0].class_name: must be set for type: java; valid: a fully qualified class name",
                "t.yaml:5: rewards[1].name: 'a' is used by another reward; valid: unique names",
                "t.yaml:5: rewards[1].class_name: is only used with type: java (type is 'regex'); valid: null",
                "t.yaml:6: training.warmup_steps: both warmup_ratio (0.1) and warmup_steps (5) are set; valid: at most one of them > 0",
                "t.yaml:7: loss.dual_clip: 0.5 is out of range; valid: null or 0 (off), or > 1 (verl uses 3)");
    }

    @Test
    void rewardsAreRequiredWithoutABuiltInTask() {
        ConfigException e = failure("""
                model: {path: m}
                data: {train_file: d.jsonl}
                """);
        assertThat(e.problems()).singleElement().asString().startsWith("t.yaml: rewards: no reward functions");
    }

    @Test
    void emptyCharAlphabetIsAnError() {
        ConfigException e = failure(MINIMAL.replace("char:0123456789", "char:"));
        assertThat(e.problems()).singleElement().asString().contains("'char:' has an empty alphabet");
    }

    @Test
    void duplicateKeysAreErrors() {
        assertThatThrownBy(() -> parse(MINIMAL + "seed: 1\nseed: 2\n")).isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: t.yaml:7: seed: duplicate key (first at t.yaml:6)");
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> parse("seed: 1\nloss:\n  beta: [0.1\n")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid configuration: t.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void yamlAliasesAreRejectedRatherThanReadAsTheirName() {
        assertThatThrownBy(() -> parse(MINIMAL + "x: &lr 0.5\ntraining: {learning_rate: *lr}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: t.yaml:7: training.learning_rate: YAML aliases (*lr) are not "
                        + "supported; write the value out");
    }

    @Test
    void topLevelMustBeAMapping() {
        assertThatThrownBy(() -> parse("- a\n- b\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("t.yaml:1: the top level must be a mapping");
    }

    @Test
    void jsonFilesAreReadByExtensionWithLineNumbers() {
        String json = """
                {
                  "model": {"config": {"a": 1}, "tokenizer": "char:ab"},
                  "data": {"task": "sort"},
                  "loss": {"beta": -1}
                }
                """;
        assertThatThrownBy(() -> ConfigLoader.parse(GrpoConfig.class, "c.json", json, List.of()))
                .hasMessageContaining("c.json:4: loss.beta: -1 is out of range");
        assertThat(ConfigLoader.parse(GrpoConfig.class, "c.json", json, List.of("loss.beta=0")).data().task())
                .isEqualTo("sort");
    }

    @Test
    void loadReportsMissingConfigAndMissingDataFiles(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.yaml"), List.of()))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("config file not found");
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, """
                model:
                  config: {a: 1}
                  tokenizer: char:ab
                data:
                  train_file: /nonexistent/d.jsonl
                rewards: [{name: a, type: regex, params: {pattern: x}}]
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ":5: data.train_file: '/nonexistent/d.jsonl': no such file");
        Path data = dir.resolve("d.jsonl");
        Files.writeString(data, "{\"prompt\": \"x\"}\n");
        assertThat(ConfigLoader.load(file, List.of("data.train_file=" + data)).data().trainFile())
                .isEqualTo(data.toString());
    }

    @Test
    void noFileMeansDefaultsPlusOverrides() {
        ConfigException e = assertThrowsConfig(() -> ConfigLoader.load(null, List.of("loss.beta=0")));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("(defaults): model: no model given"));
    }

    @Test
    void builtInConfigLoadsAndHasTheTinyModelSettings() {
        GrpoConfig c = ConfigLoader.loadBuiltIn(List.of());
        assertThat(c.data().task()).isEqualTo("arithmetic");
        assertThat(c.rewards()).isEmpty();
        assertThat(c.generation().numGenerations()).isEqualTo(8);
        assertThat(c.training().perStepPrompts()).isEqualTo(32);
        assertThat(c.training().learningRate()).isEqualTo(1e-4);
        assertThat(c.training().numIterations()).isEqualTo(1);
        assertThat(c.loss().beta()).isEqualTo(0.0);
        assertThat(c.loss().filterZeroStdGroups()).isTrue();
        assertThat(c.model().inlineConfig()).containsEntry("hidden_size", 128).containsEntry("num_hidden_layers", 4)
                .containsEntry("num_attention_heads", 4).containsEntry("num_key_value_heads", 2)
                .containsEntry("rms_norm_eps", 1e-6);
        assertThat(ConfigLoader.loadBuiltIn(List.of("training.max_steps=3")).training().maxSteps()).isEqualTo(3);
    }

    @Test
    void sftConfigLoadsWithItsOwnRules() {
        SftConfig c = ConfigLoader.parse(SftConfig.class, "s.yaml", MINIMAL + "training: {batch_size: 8, micro_batch_size: 4}\n",
                List.of());
        assertThat(c.training().batchSize()).isEqualTo(8);
        assertThat(c.data().completionField()).isEqualTo("completion");
        assertThat(c.training().learningRate()).isEqualTo(2e-5);
        assertThat(c.outputDir()).isEqualTo("runs/sft");
        assertThatThrownBy(() -> ConfigLoader.parse(SftConfig.class, "s.yaml",
                MINIMAL + "training: {batch_size: 8, micro_batch_size: 16}\n", List.of("data.completion_field=prompt")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("training.micro_batch_size: 16 is larger than batch_size 8")
                .hasMessageContaining("'prompt' is also a prompt field");
    }

    @Test
    void checkValidatesRecordsBuiltInCode() {
        GrpoConfig ok = parse(MINIMAL);
        ConfigValidator.check(ok);
        GrpoConfig bad = new GrpoConfig(1, "", ok.model(), ok.data(), List.of(), RewardOnError.RAISE, ok.generation(),
                ok.training(), ok.loss(), ok.checkpoint(), ok.logging());
        assertThatThrownBy(() -> ConfigValidator.check(bad)).isInstanceOf(ConfigException.class)
                .hasMessage("invalid configuration: output_dir: must be set; valid: a non-empty string");
    }

    @Test
    void nullSectionsInCodeMeanDefaults() {
        GrpoConfig c = new GrpoConfig(0, null, null, null, null, null, null, null, null, null, null);
        assertThat(c).isEqualTo(GrpoConfig.defaults());
        assertThat(new SftConfig(0, null, null, null, null, null, null)).isEqualTo(SftConfig.defaults());
    }

    private static ConfigException assertThrowsConfig(Runnable r) {
        try {
            r.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }
}
