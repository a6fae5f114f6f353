package io.github.grpo4j.internal.config;

import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.CheckpointSection;
import io.github.grpo4j.config.ConfigException;
import io.github.grpo4j.config.DataSection;
import io.github.grpo4j.config.GenerationSection;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LoggingSection;
import io.github.grpo4j.config.LoraSection;
import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.LrSchedulerType;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.RewardSpec;
import io.github.grpo4j.config.RefParamOffload;
import io.github.grpo4j.config.RolloutSeeding;
import io.github.grpo4j.config.CallFormat;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import io.github.grpo4j.config.TrainingSection;
import io.github.grpo4j.reward.RewardOnError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The config records carry the option enums: a file spells them in lowercase as before, a bad spelling gets
 * the same one-line error as when the keys were strings, and a config written back reads the same.
 */
class OptionEnumsTest {
    private static final String BASE = ConfigLoaderTest.MINIMAL;

    @Test
    void everySpellingOfEveryOptionKeyIsRead() {
        for (LossType v : LossType.values()) {
            String extra = v == LossType.CISPO ? ", loss.epsilon_high=5" : "";
            GrpoConfig c = ConfigLoaderTest.parse(BASE, ("loss.loss_type=" + v.configName() + extra).split(", "));
            assertThat(c.loss().lossType()).isEqualTo(v);
        }
        for (KlEstimator v : KlEstimator.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "loss.kl_estimator=" + v.configName()).loss().klEstimator()).isEqualTo(v);
        }
        for (ScaleRewards v : ScaleRewards.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "loss.scale_rewards=" + v.configName()).loss().scaleRewards()).isEqualTo(v);
        }
        for (StdKind v : StdKind.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "loss.std=" + v.configName()).loss().std()).isEqualTo(v);
        }
        for (AdvantageEstimator v : AdvantageEstimator.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "loss.advantage_estimator=" + v.configName()).loss()
                    .advantageEstimator()).isEqualTo(v);
        }
        for (ImportanceSamplingLevel v : ImportanceSamplingLevel.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "loss.importance_sampling_level=" + v.configName()).loss()
                    .importanceSamplingLevel()).isEqualTo(v);
        }
        for (MultiObjectiveAggregation v : MultiObjectiveAggregation.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "loss.multi_objective_aggregation=" + v.configName()).loss()
                    .multiObjectiveAggregation()).isEqualTo(v);
        }
        for (LrSchedulerType v : LrSchedulerType.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "training.lr_scheduler_type=" + v.configName()).training()
                    .lrSchedulerType()).isEqualTo(v);
        }
        for (RolloutSeeding v : RolloutSeeding.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "training.rollout_seeding=" + v.configName()).training()
                    .rolloutSeeding()).isEqualTo(v);
        }
        for (CallFormat v : CallFormat.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "tools.call_format=" + v.configName()).tools().callFormat()).isEqualTo(v);
        }
        for (RewardOnError v : RewardOnError.values()) {
            assertThat(ConfigLoaderTest.parse(BASE, "reward_on_error=" + v.configName()).rewardOnError()).isEqualTo(v);
        }
    }

    @Test
    void aBadSpellingNamesFileLineKeyAndEveryValidValue() {
        ConfigException e = ConfigLoaderTest.failure(BASE + "loss:\n  loss_type: DR_GRPO\n");
        assertThat(e.problems()).containsExactly("t.yaml:7: loss.loss_type: 'DR_GRPO' is not an option "
                + "(did you mean 'dr_grpo'?); valid: grpo, bnpo, dapo, dr_grpo, cispo");
        assertThat(ConfigLoaderTest.failure(BASE, "loss.std=bessel").problems()).containsExactly(
                "--set loss.std=bessel: loss.std: 'bessel' is not an option (did you mean 'sample'?); "
                        + "valid: population, sample");
        assertThat(ConfigLoaderTest.failure(BASE, "tools.call_format=hermis").problems()).containsExactly(
                "--set tools.call_format=hermis: tools.call_format: 'hermis' is not an option (did you mean 'hermes'?); "
                        + "valid: auto, hermes, llama3");
        assertThat(ConfigLoaderTest.failure(BASE + "loss:\n  kl_estimator:\n").problems())
                .containsExactly("t.yaml:7: loss.kl_estimator: must be set; valid: k1, k2, k3");
        assertThat(ConfigLoaderTest.failure(BASE + "loss:\n  kl_estimator: 3\n").problems())
                .containsExactly("t.yaml:7: loss.kl_estimator: expected a string, got 3 (a number); quote it to make it a string");
    }

    @Test
    void aRecordBuiltInCodeWithoutAnOptionIsReported() {
        GrpoConfig d = GrpoConfig.defaults();
        LossSection l = d.loss();
        LossSection noType = new LossSection(l.beta(), l.klEstimator(), null, l.scaleRewards(), l.std(), l.stdEps(),
                l.advantageEstimator(), l.epsilon(), l.epsilonHigh(), l.dualClip(), l.importanceSamplingLevel(),
                l.maskTruncatedCompletions(), l.filterZeroStdGroups(), l.refModelSyncSteps(), l.refModelMixupAlpha(),
                l.multiObjectiveAggregation(), l.entropyCoeff(), l.topEntropyQuantile());
        GrpoConfig c = new GrpoConfig(d.seed(), d.outputDir(), d.model(), d.data(), d.rewards(), d.rewardOnError(),
                d.generation(), d.training(), noType, d.checkpoint(), d.logging());
        assertThat(ConfigValidator.validate(c)).extracting(Problem::toString)
                .contains("loss.loss_type: must be set; valid: grpo, bnpo, dapo, dr_grpo, cispo");
    }

    @Test
    void gdpoNeedsTheGrpoEstimator() {
        assertThat(ConfigLoaderTest.failure(BASE, "loss.multi_objective_aggregation=normalize_then_sum",
                "loss.advantage_estimator=rloo").problems()).singleElement().asString()
                .contains("loss.multi_objective_aggregation: normalize_then_sum (GDPO) needs advantage_estimator: grpo, "
                        + "not 'rloo'");
    }

    @Test
    void optionsAreWrittenInTheirConfigSpelling() {
        GrpoConfig c = ConfigLoaderTest.parse(BASE, "loss.loss_type=dr_grpo", "training.lr_scheduler_type=cosine",
                "reward_on_error=zero");
        String yaml = ConfigIo.toYaml(c);
        assertThat(yaml).contains("loss_type: \"dr_grpo\"").contains("lr_scheduler_type: \"cosine\"")
                .contains("reward_on_error: \"zero\"");
        assertThat(ConfigLoader.parse(GrpoConfig.class, "c.yaml", yaml, List.of())).isEqualTo(c);
    }

    /** The defaults beside the keys are the values the positional defaults() calls used to hold. */
    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(LossSection.defaults()).isEqualTo(new LossSection(0.04, KlEstimator.K3, LossType.GRPO,
                ScaleRewards.GROUP, StdKind.POPULATION, 0.0, AdvantageEstimator.GRPO, 0.2, null, null,
                ImportanceSamplingLevel.TOKEN, false, false, 0, 0.6, MultiObjectiveAggregation.SUM_THEN_NORMALIZE, 0.0,
                1.0));
        assertThat(TrainingSection.defaults()).isEqualTo(new TrainingSection(100, 8, 16, 1, 1e-6, 0.9, 0.99, 1e-8,
                0.0, LrSchedulerType.CONSTANT, 0.0, 0, 1.0, 256, false, RefParamOffload.AUTO, 1, false, 0,
                RolloutSeeding.BATCH));
        assertThat(GenerationSection.defaults()).isEqualTo(new GenerationSection(8, 256, 1.0, 0, 1.0, 0.0, 1.0, List.of()));
        assertThat(DataSection.defaults()).isEqualTo(new DataSection(null, null, Map.of(), "prompt", "messages", true, 512,
                null));
        assertThat(LoggingSection.defaults()).isEqualTo(new LoggingSection(1, 4, 0, 64, List.of(), 4, 1.0));
        assertThat(LoraSection.defaults()).isEqualTo(new LoraSection(8, 8, 0.0, List.of("q_proj", "v_proj"), false));
        assertThat(CheckpointSection.defaults()).isEqualTo(new CheckpointSection(50, 2));
        assertThat(ModelSection.defaults()).isEqualTo(new ModelSection(null, null, null, null, null, null));
        assertThat(RewardSpec.defaults()).isEqualTo(new RewardSpec(null, null, null, 1.0, Map.of()));
        assertThat(GrpoConfig.defaults()).isEqualTo(new GrpoConfig(0L, "runs/grpo", ModelSection.defaults(),
                DataSection.defaults(), List.of(), RewardOnError.RAISE, GenerationSection.defaults(),
                TrainingSection.defaults(), LossSection.defaults(), CheckpointSection.defaults(), LoggingSection.defaults()));
        assertThat(SftConfig.defaults().training()).isEqualTo(new SftTrainingSection(200, 16, 16, 2e-5, 0.9, 0.999, 1e-8,
                0.0, LrSchedulerType.LINEAR, 0.0, 0, 1.0, false));
        assertThat(SftConfig.defaults().data()).isEqualTo(new SftDataSection(null, null, Map.of(), "prompt", "messages",
                "completion", true, 512));
        assertThat(SftConfig.defaults().outputDir()).isEqualTo("runs/sft");
    }
}
