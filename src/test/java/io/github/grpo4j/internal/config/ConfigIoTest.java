package io.github.grpo4j.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.CheckpointSection;
import io.github.grpo4j.config.DataSection;
import io.github.grpo4j.config.GenerationSection;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LoggingSection;
import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.RefParamOffload;
import io.github.grpo4j.config.RolloutSeeding;
import io.github.grpo4j.config.LrSchedulerType;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.config.MultiObjectiveAggregation;
import io.github.grpo4j.config.RewardSpec;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import io.github.grpo4j.config.TrainingSection;
import io.github.grpo4j.reward.RewardOnError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigIoTest {

    static GrpoConfig richConfig() {
        Map<String, Object> inline = new LinkedHashMap<>();
        inline.put("hidden_size", 128);
        inline.put("rms_norm_eps", 1e-6);
        inline.put("architectures", List.of("Qwen2ForCausalLM"));
        inline.put("rope_scaling", null);
        inline.put("big", 12345678901L);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("pattern", "^<answer>.*</answer>$");
        params.put("nested", Map.of("a", List.of(1, 2.5, true)));
        GrpoConfig d = GrpoConfig.defaults();
        return new GrpoConfig(-3L, "runs/my run: #1",
                new ModelSection(null, inline, "char:0123456789+-*= \n", null),
                new DataSection(null, "countdown", Map.of("n", 3), "prompt", "messages", false, 77, null),
                List.of(new RewardSpec("acc", "java", "com.example.Acc", 2.5, params),
                        new RewardSpec("true", "regex", null, -1.0, Map.of("pattern", "123"))),
                RewardOnError.ZERO,
                new GenerationSection(4, 32, 0.7, 5, 0.95, 0.05, 1.1, List.of("\n", "123", "true", "null", "#", ": ", "'\"")),
                new TrainingSection(7, 3, 5, 2, 3e-5, 0.8, 0.95, 1e-7, 0.01, LrSchedulerType.COSINE, 0.0, 3, 0.0, 64, true,
                        RefParamOffload.TRUE, 2, true, 5, RolloutSeeding.GROUP),
                new LossSection(0.0, KlEstimator.K1, LossType.DR_GRPO, ScaleRewards.NONE, StdKind.SAMPLE, 1e-4,
                        AdvantageEstimator.RLOO, 0.1, 0.28, 3.0, ImportanceSamplingLevel.SEQUENCE, true, true, 10, 0.5,
                        MultiObjectiveAggregation.SUM_THEN_NORMALIZE, 0.01, 0.2),
                new CheckpointSection(0, 0), new LoggingSection(2, 0, 5, 16, List.of("tensorboard"), 3, 0.5));
    }

    @Test
    void writtenConfigReadsBackEqual(@TempDir Path dir) {
        GrpoConfig c = richConfig();
        Path file = dir.resolve("run/config.yaml");
        ConfigIo.write(c, file);
        assertThat(ConfigIo.read(file, GrpoConfig.class)).isEqualTo(c);
    }

    @Test
    void writtenConfigHasEveryKeyIncludingNulls(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        ConfigIo.write(ConfigLoader.loadBuiltIn(List.of()), file);
        String text = Files.readString(file);
        assertThat(text).startsWith("# Resolved grpo4j configuration")
                .contains("\nseed: 0\n", "  epsilon_high: null\n", "  ref_model_sync_steps: 0\n", "  max_grad_norm: 1.0\n",
                        "  path: null\n", "rewards: []\n", "  tokenizer: null\n");
        assertThat(ConfigIo.read(file, GrpoConfig.class)).isEqualTo(ConfigLoader.loadBuiltIn(List.of()));
    }

    @Test
    void sftConfigRoundTrips(@TempDir Path dir) {
        SftConfig d = SftConfig.defaults();
        SftConfig c = new SftConfig(5, "runs/s", new ModelSection(null, Map.of("a", 1), "char:ab", null),
                new SftDataSection(null, "sort", Map.of(), "q", "m", "a", true, 64), d.training(), d.checkpoint(), d.logging());
        Path file = dir.resolve("sft.yaml");
        ConfigIo.write(c, file);
        assertThat(ConfigIo.read(file, SftConfig.class)).isEqualTo(c);
    }

    @Property(tries = 60)
    void anyValidNumbersRoundTripExactly(@ForAll("losses") LossSection loss, @ForAll("trainings") TrainingSection training) {
        GrpoConfig base = richConfig();
        GrpoConfig c = new GrpoConfig(base.seed(), base.outputDir(), base.model(), base.data(), base.rewards(),
                base.rewardOnError(), base.generation(), training, loss, base.checkpoint(), base.logging());
        String yaml = ConfigIo.toYaml(c);
        assertThat(ConfigLoader.parse(GrpoConfig.class, "c.yaml", yaml, List.of())).isEqualTo(c);
    }

    @Provide
    Arbitrary<LossSection> losses() {
        Arbitrary<Double> beta = Arbitraries.doubles().between(0, 10).ofScale(20);
        Arbitrary<Double> eps = Arbitraries.doubles().between(1e-9, 0.999).ofScale(20);
        Arbitrary<Double> high = Arbitraries.doubles().between(1e-9, 5).ofScale(20).injectNull(0.3);
        Arbitrary<Double> stdEps = Arbitraries.doubles().between(0, 1e-3).ofScale(20);
        return Combinators.combine(beta, eps, high, stdEps)
                .as((b, e, h, s) -> new LossSection(b, KlEstimator.K3, LossType.GRPO, ScaleRewards.GROUP,
                        StdKind.POPULATION, s, AdvantageEstimator.GRPO, e, h, null, ImportanceSamplingLevel.TOKEN, false,
                        false, 0, 0.6, MultiObjectiveAggregation.NORMALIZE_THEN_SUM, 0.0, 1.0));
    }

    @Provide
    Arbitrary<TrainingSection> trainings() {
        Arbitrary<Double> lr = Arbitraries.doubles().between(1e-12, 1).ofScale(20);
        Arbitrary<Integer> steps = Arbitraries.integers().between(1, Integer.MAX_VALUE);
        Arbitrary<Double> wd = Arbitraries.doubles().between(0, 1e6).ofScale(20);
        return Combinators.combine(lr, steps, wd)
                .as((l, s, w) -> new TrainingSection(s, 8, 16, 1, l, 0.9, 0.99, 1e-8, w, LrSchedulerType.LINEAR, 0.0, 0, 1.0, 256, false,
                        RefParamOffload.FALSE, 1, false, 0, RolloutSeeding.BATCH));
    }
}
