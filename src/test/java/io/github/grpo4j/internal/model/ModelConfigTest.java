package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelConfigTest {
    @TempDir
    Path dir;

    private static ModelConfig resource(String name) throws Exception {
        return ModelConfig.read(Path.of(ModelConfigTest.class.getResource("/model/configs/" + name).toURI()));
    }

    @Test
    void qwen25HalfBConfigParsesWithDerivedHeadDimBiasesAndPublishedParameterCount() throws Exception {
        ModelConfig c = resource("qwen2.5-0.5b.json");
        assertThat(c.modelType()).isEqualTo("qwen2");
        assertThat(c.headDim()).isEqualTo(64); // 896 / 14
        assertThat(c.numKeyValueHeads()).isEqualTo(2);
        assertThat(c.qkvBias()).isTrue();
        assertThat(c.outputBias()).isFalse();
        assertThat(c.qkNorm()).isFalse();
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.ropeTheta()).isEqualTo(1e6);
        assertThat(c.torchDtype()).isEqualTo("bfloat16");
        assertThat(c.eosTokenIds()).containsExactly(151643);
        assertThat(c.parameterCount()).isEqualTo(494_032_768L);
    }

    @Test
    void llama32ConfigParsesLlama3RopeScalingAndEosList() throws Exception {
        ModelConfig c = resource("llama-3.2-1b.json");
        assertThat(c.ropeScaling()).isEqualTo(new ModelConfig.RopeScaling(32, 1, 4, 8192));
        assertThat(c.eosTokenIds()).containsExactly(128001, 128008, 128009);
        assertThat(c.bosTokenId()).isEqualTo(128000);
        assertThat(c.qkvBias()).isFalse();
        assertThat(c.rmsNormEps()).isEqualTo(1e-5);
        assertThat(c.parameterCount()).isEqualTo(1_235_814_400L);
    }

    @Test
    void qwen3ConfigHasExplicitHeadDimAndQkNorm() throws Exception {
        ModelConfig c = resource("qwen3-0.6b.json");
        assertThat(c.headDim()).isEqualTo(128); // not 1024 / 16
        assertThat(c.qkNorm()).isTrue();
        assertThat(c.ropeScaling()).isNull();
        assertThat(c.parameterCount()).isEqualTo(596_049_920L);
    }

    @Test
    void writtenConfigReadsBackEqual() throws Exception {
        for (String name : List.of("qwen2.5-0.5b.json", "llama-3.2-1b.json", "qwen3-0.6b.json")) {
            ModelConfig c = resource(name);
            Path file = dir.resolve(name);
            c.write(file);
            assertThat(ModelConfig.read(file)).as(name).isEqualTo(c);
            assertThat(Files.readString(file)).contains("\"architectures\"").contains("ForCausalLM");
        }
    }

    @Test
    void unknownModelTypeNamesTheSupportedOnes() {
        assertThatThrownBy(() -> ModelConfig.parse("{\"model_type\": \"gpt2\", \"vocab_size\": 5}"))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("'gpt2'")
                .hasMessageContaining("llama, qwen2, qwen3");
    }

    @Test
    void missingOrMistypedFieldsAreNamed() {
        assertThatThrownBy(() -> ModelConfig.parse("{\"model_type\": \"llama\", \"hidden_size\": 8,"
                + " \"num_attention_heads\": 2}"))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("vocab_size is missing");
        assertThatThrownBy(() -> ModelConfig.parse("{\"model_type\": \"llama\", \"hidden_size\": \"big\","
                + " \"num_attention_heads\": 2}"))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("hidden_size must be an integer");
        assertThatThrownBy(() -> ModelConfig.parse("not json"))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void inconsistentHeadCountsAreRejected() {
        String json = "{\"model_type\": \"qwen2\", \"vocab_size\": 10, \"hidden_size\": 12, \"intermediate_size\": 8,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 3, \"num_key_value_heads\": 2}";
        assertThatThrownBy(() -> ModelConfig.parse(json)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("num_attention_heads (3) must be a multiple of num_key_value_heads (2)");
    }

    @Test
    void unsupportedRopeScalingAndActivationAreRejectedByName() {
        String base = "{\"model_type\": \"llama\", \"vocab_size\": 10, \"hidden_size\": 8, \"intermediate_size\": 8,"
                + " \"num_hidden_layers\": 1, \"num_attention_heads\": 2";
        assertThatThrownBy(() -> ModelConfig.parse(base + ", \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4}}"))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("'yarn'").hasMessageContaining("llama3");
        assertThatThrownBy(() -> ModelConfig.parse(base + ", \"hidden_act\": \"gelu\"}"))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("'gelu'");
        ModelConfig ok = ModelConfig.parse(base + "}");
        assertThat(ok.numKeyValueHeads()).isEqualTo(2);
        assertThat(ok.maxPositionEmbeddings()).isEqualTo(2048);
        assertThat(ok.initializerRange()).isEqualTo(0.02);
    }
}
