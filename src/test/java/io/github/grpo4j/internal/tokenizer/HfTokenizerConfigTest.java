package io.github.grpo4j.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerConfigTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void deepSeekV3AddedTokenObjectsBecomeTemplateVariables() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/tokenizer/deepseek_v3/tokenizer_config.json")) {
            Files.copy(in, dir.resolve("tokenizer_config.json"));
        }
        HfTokenizerConfig c = HfTokenizerConfig.read(dir);
        assertThat(c.specialTokens()).containsEntry("bos_token", "<｜begin▁of▁sentence｜>")
                .containsEntry("eos_token", "<｜end▁of▁sentence｜>").doesNotContainKey("unk_token");
        assertThat(c.eosToken()).isEqualTo("<｜end▁of▁sentence｜>");

        // Rendered from the config alone, the template gives what jinja2 gave (chat_expected.json).
        ObjectMapper json = new ObjectMapper();
        JsonNode expected;
        try (InputStream in = getClass().getResourceAsStream("/tokenizer/chat_expected.json")) {
            expected = json.readTree(in);
        }
        ChatTemplate t = ChatTemplate.parse(c.chatTemplate(), c.chatTemplateOrigin(), c.specialTokens());
        List<Map<String, Object>> msgs = json.convertValue(expected.at("/conversations/multi_turn"), List.class);
        assertThat(t.apply(msgs, true)).isEqualTo(expected.at("/templates/deepseek_v3/cases/multi_turn+gen/output").asText());
    }

    @Test
    void hugeModelMaxLengthAndMissingFilesAreFine() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"model_max_length\": 1000000000000000019884624838656, \"eos_token\": \"</s>\"}");
        HfTokenizerConfig c = HfTokenizerConfig.read(dir);
        assertThat(c.eosToken()).isEqualTo("</s>");
        assertThat(c.generationEosIds()).isEmpty();
        assertThat(c.chatTemplate()).isNull();
        assertThat(c.chatTemplateOrigin()).contains("no chat_template");
    }

    @Test
    void malformedFieldsNameTheFileAndField() throws IOException {
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": 5}");
        assertThatThrownBy(() -> HfTokenizerConfig.read(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("tokenizer_config.json: field eos_token must be a string");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{}");
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": \"x\"}");
        assertThatThrownBy(() -> HfTokenizerConfig.read(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("generation_config.json: field eos_token_id must be an integer or a list");
        Files.writeString(dir.resolve("generation_config.json"), "{oops");
        assertThatThrownBy(() -> HfTokenizerConfig.read(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("cannot read " + dir.resolve("generation_config.json"));
    }
}
