package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.config.LoraSection;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.model.Safetensors;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.reward.RewardFunction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GRPO with LoRA adapters: frozen base, adapters-off reference, rollout log-probs, PEFT checkpoints, resume. */
class LoraTrainingTest {

    private static final LoraSection LORA = new LoraSection(4, 8, 0.0, List.of("all-linear"), false);

    private static RewardSet shareOfA() {
        return RewardSet.of(RewardFunction.of("share_a", (p, c, row) -> TinyModels.shareOfA(c)));
    }

    private static Map<String, float[]> values(Map<String, NDArray> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    @Test
    void trainingMovesOnlyTheAdaptersAndTheReferenceIsTheBaseWithKlZeroAtStepOne() {
        CharTokenizer tok = TinyModels.tokenizer();
        try (LanguageModelPolicy policy = TinyModels.policy(5); RewardSet rewards = shareOfA()) {
            policy.addAdapter(LORA, 6);
            Transformer model = (Transformer) policy.model();
            Map<String, float[]> baseBefore = values(model.baseParameters());
            Map<String, float[]> adaptersBefore = values(policy.parameters());
            assertThat(policy.parameters().keySet()).allMatch(k -> k.startsWith("base_model.model.model.layers."));
            try (GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null,
                    TinyModels.options(LossType.DAPO, 8, 2, 0.04, 5e-2), rewards)) {
                // the optimizer holds moments for A and B only
                assertThat(trainer.optimizer().state()).hasSize(2 * policy.parameters().size());
                assertThat(trainer.reference().parameters()).isEmpty(); // a view, no second copy of the weights
                List<Prompt> prompts = TinyModels.prompts(tok, "ab", "cd");
                StepResult first = trainer.step(1, prompts);
                assertThat(first.metrics().get("reward_std")).as("rewards vary").isGreaterThan(0);
                assertThat(first.metrics().get("kl")).isEqualTo(0.0); // B = 0: the policy is the base
                StepResult second = trainer.step(2, prompts);
                assertThat(second.metrics().get("kl")).as("the adapters moved the policy").isGreaterThan(0);
            }
            for (var e : values(model.baseParameters()).entrySet()) {
                assertThat(e.getValue()).as(e.getKey()).containsExactly(baseBefore.get(e.getKey()));
                assertThat(model.baseParameters().get(e.getKey()).hasGradient()).as(e.getKey()).isFalse();
            }
            int moved = 0;
            for (var e : values(policy.parameters()).entrySet()) {
                if (!java.util.Arrays.equals(e.getValue(), adaptersBefore.get(e.getKey()))) {
                    moved++;
                }
            }
            assertThat(moved).as("A and B matrices that moved").isEqualTo(policy.parameters().size());
        }
    }

    @Test
    void rolloutLogProbsThroughTheAdaptersAgreeWithTheUpdatesScores() {
        CharTokenizer tok = TinyModels.tokenizer();
        try (LanguageModelPolicy policy = TinyModels.policy(8); NDManager m = NDManager.newBaseManager()) {
            policy.addAdapter(LORA, 9);
            java.util.Random rng = new java.util.Random(10);
            for (var e : policy.parameters().entrySet()) { // trained-looking adapters: B != 0
                if (e.getKey().endsWith("lora_B.weight")) {
                    float[] v = new float[(int) e.getValue().size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) (0.5 * rng.nextGaussian());
                    }
                    e.getValue().set(v);
                }
            }
            List<int[]> prompts = List.of(tok.encode("abc"), tok.encode("d"));
            Completions c = policy.generate(prompts, 3, new SamplingParams(0.7, 0, 1.0, 0.0, 1.0, 6, List.of()), 11);
            List<int[]> rowPrompts = new ArrayList<>();
            for (int r = 0; r < c.size(); r++) {
                rowPrompts.add(prompts.get(c.promptIndex()[r]));
            }
            Policy.TokenScores s = policy.score(m, rowPrompts, List.of(c.tokens()), 0.7);
            float[] scored = s.logProbs().toFloatArray();
            int width = (int) s.logProbs().getShape().get(1);
            double worst = 0;
            try (LanguageModelPolicy base = TinyModels.policy(8); NDManager m2 = NDManager.newBaseManager()) {
                float[] baseScored = base.score(m2, rowPrompts, List.of(c.tokens()), 0.7).logProbs().toFloatArray();
                double baseGap = 0;
                for (int r = 0; r < c.size(); r++) {
                    for (int j = 0; j < c.tokens()[r].length; j++) {
                        worst = Math.max(worst, Math.abs(c.logProbs()[r][j] - scored[r * width + j]));
                        baseGap = Math.max(baseGap, Math.abs(baseScored[r * width + j] - scored[r * width + j]));
                    }
                }
                assertThat(baseGap).as("the adapters change the log-probs").isGreaterThan(1e-2);
            }
            assertThat(worst).isLessThan(1e-5);
        }
    }

    @Test
    void refModelSyncWithLoraIsAClearError() {
        try (LanguageModelPolicy policy = TinyModels.policy(1); RewardSet rewards = shareOfA()) {
            policy.addAdapter(LORA, 2);
            GrpoStepTrainer.Options o = TinyModels.options(LossType.GRPO, 8, 1, 0.04, 1e-2);
            GrpoStepTrainer.Options sync = o.toBuilder().filters(false, false).referenceSync(2, 0.6).build();
            assertThatThrownBy(() -> new GrpoStepTrainer(policy, null, sync, rewards).close())
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("ref_model_sync_steps");
        }
    }

    private static Map<String, float[]> adapterFile(Path dir) {
        Map<String, float[]> out = new TreeMap<>();
        for (var e : Safetensors.read(dir.resolve("adapter_model.safetensors")).entrySet()) {
            out.put(e.getKey(), Safetensors.toFloatArray(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void aLoraRunWritesPeftCheckpointsAndResumedEqualsUninterrupted(@TempDir Path tmp) throws Exception {
        String[] lora = {"model.lora.r=4", "model.lora.lora_alpha=8", "model.lora.lora_dropout=0.1",
                "model.lora.target_modules=[q_proj, v_proj, down_proj]"};
        Path straight = tmp.resolve("straight");
        new TrainingRun(TrainingRunTest.varying(straight, lora), quiet()).progressBar(false).run(false);
        Path killed = tmp.resolve("killed");
        new TrainingRun(TrainingRunTest.varying(killed, lora), quiet()).progressBar(false).stopAfter(2).run(false);
        assertThat(killed.resolve("checkpoint-2/model/adapter_config.json")).exists();
        assertThat(killed.resolve("checkpoint-2/model/model.safetensors")).doesNotExist();
        new TrainingRun(TrainingRunTest.varying(killed, lora), quiet()).progressBar(false).run(true);

        Path fin = straight.resolve("final");
        assertThat(Files.readString(fin.resolve("adapter_config.json"))).contains("\"peft_type\" : \"LORA\"",
                "\"target_modules\" : [ \"q_proj\", \"v_proj\", \"down_proj\" ]");
        Map<String, float[]> a = adapterFile(fin);
        Map<String, float[]> b = adapterFile(killed.resolve("final"));
        assertThat(a).containsKey("base_model.model.model.layers.0.mlp.down_proj.lora_B.weight");
        assertThat(b.keySet()).isEqualTo(a.keySet());
        boolean bMoved = false;
        for (String k : a.keySet()) {
            assertThat(b.get(k)).as(k).containsExactly(a.get(k)); // dropout masks included
            if (k.endsWith("lora_B.weight")) {
                for (float v : a.get(k)) {
                    bMoved |= v != 0;
                }
            }
        }
        assertThat(bMoved).as("training moved B away from 0").isTrue();
        assertThat(Safetensors.readMetadata(fin.resolve("adapter_model.safetensors")).get("grpo4j.lora_dropout_draws"))
                .as("dropout masks were drawn").isNotEqualTo("0");
    }
}
