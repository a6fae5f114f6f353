package io.github.grpo4j.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {
    @TempDir
    Path dir;

    /** Copies the hand-written ten-token tokenizer.json (see resources/tokenizer/tiny/README.md). */
    static void copyTiny(Path dir) throws IOException {
        try (InputStream in = HfTokenizerTest.class.getResourceAsStream("/tokenizer/tiny/tokenizer.json")) {
            Files.copy(in, dir.resolve("tokenizer.json"));
        }
    }

    private void write(String file, String json) throws IOException {
        Files.writeString(dir.resolve(file), json, StandardCharsets.UTF_8);
    }

    @Test
    void encodesWordsToHandCheckedIdsWithoutAddingSpecialTokens() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.encode("hello world")).containsExactly(5, 6);
            assertThat(t.encode("the cat<|im_end|>")).containsExactly(7, 8, 3);
            assertThat(t.encode("dog")).containsExactly(4); // <unk>
            assertThat(t.encode("")).isEmpty();
            assertThat(t.vocabSize()).isEqualTo(12);
        }
    }

    @Test
    void decodeLeavesOutSpecialTokensButKeepsOtherAddedTokens() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\"}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.decode(new int[] {1, 5, 3, 6, 2, 0})).isEqualTo("hello world");
            assertThat(t.decode(new int[] {9, 7})).isEqualTo("<think> the");
            assertThat(t.decode(new int[0])).isEmpty();
            assertThat(t.decode(new int[] {7, 8, 10})).isEqualTo("the cat ."); // no clean-up unless configured
            assertThatThrownBy(() -> t.decode(new int[] {5, 12}))
                    .isInstanceOf(Grpo4jException.class).hasMessageContaining("token id 12 at position 1");
        }
    }

    @Test
    void cleanUpTokenizationSpacesRemovesSpaceBeforePunctuationWhenConfigured() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"clean_up_tokenization_spaces\": true}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.decode(new int[] {7, 8, 11, 10})).isEqualTo("the catn't.");
        }
    }

    @Test
    void eosTokenMayBeAnAddedTokenObjectAndIsUnitedWithGenerationConfigIds() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"eos_token\": {\"__type\": \"AddedToken\", \"content\": \"</s>\", "
                + "\"lstrip\": false}, \"pad_token\": null}");
        write("generation_config.json", "{\"eos_token_id\": [3, 2]}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.eosIds()).containsExactly(2, 3);
            assertThat(t.padId()).isEqualTo(2); // no pad_token: the first EOS id
        }
    }

    @Test
    void eosIdMayBeASingleIntAndPadTokenIsUsedWhenGiven() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"pad_token\": \"<pad>\"}");
        write("generation_config.json", "{\"eos_token_id\": 3}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.eosIds()).containsExactly(3);
            assertThat(t.padId()).isEqualTo(0);
        }
    }

    @Test
    void configJsonEosIsUsedOnlyWithoutGenerationConfig() throws IOException {
        copyTiny(dir);
        write("config.json", "{\"eos_token_id\": 3, \"pad_token_id\": 0}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.eosIds()).containsExactly(3);
            assertThat(t.padId()).isEqualTo(0);
        }
        write("generation_config.json", "{\"eos_token_id\": 2}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.eosIds()).containsExactly(2);
        }
    }

    @Test
    void noEosAnywhereIsAClearError() throws IOException {
        copyTiny(dir);
        assertThatThrownBy(() -> HfTokenizer.load(dir))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("no end-of-sequence token").hasMessageContaining("eos_token");
    }

    @Test
    void eosTokenThatIsNotInTheVocabularyIsAnError() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"eos_token\": \"<|eot|> x\"}");
        assertThatThrownBy(() -> HfTokenizer.load(dir))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("eos_token '<|eot|> x' is not a token");
    }

    @Test
    void corruptTokenizerJsonIsOneClearError() throws IOException {
        write("tokenizer.json", "{\"version\": \"1.0\", \"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0,");
        assertThatThrownBy(() -> HfTokenizer.load(dir))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("cannot read tokenizer " + dir.resolve("tokenizer.json"))
                .hasMessageContaining("not a valid tokenizer.json");
    }

    @Test
    void wellFormedJsonThatIsNotATokenizerIsOneClearError() throws IOException {
        write("tokenizer.json", "{\"model\": {\"type\": \"NoSuchModel\", \"vocab\": {\"a\": 0}}}");
        write("tokenizer_config.json", "{\"eos_token\": \"a\"}");
        assertThatThrownBy(() -> HfTokenizer.load(dir))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("cannot load tokenizer " + dir.resolve("tokenizer.json"));
    }

    @Test
    void savedCopyLoadsWithTheSameIdsAndSpecialTokens(@TempDir Path target) throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"chat_template\": \"{{ eos_token }}\"}");
        write("generation_config.json", "{\"eos_token_id\": [2, 3]}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            t.saveTo(target);
        }
        try (HfTokenizer back = (HfTokenizer) Tokenizers.load(target)) {
            assertThat(back.encode("hello the cat")).containsExactly(5, 7, 8);
            assertThat(back.eosIds()).containsExactly(2, 3);
            assertThat(back.applyChatTemplate(List.of(), false)).isEqualTo("</s>");
        }
    }

    @Test
    void missingTokenizerJsonNamesTheDirectory() {
        assertThatThrownBy(() -> HfTokenizer.load(dir))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("no tokenizer.json in " + dir);
    }

    @Test
    void chatTemplateListTakesTheDefaultEntry() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"bos_token\": \"<s>\", \"chat_template\": ["
                + "{\"name\": \"tool_use\", \"template\": \"TOOLS\"},"
                + "{\"name\": \"default\", \"template\": \"{{ bos_token }}{% for m in messages %}{{ m.role }}: "
                + "{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}\"}]}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            List<Map<String, Object>> msgs = List.of(Map.of("role", "user", "content", "hello"));
            assertThat(t.applyChatTemplate(msgs, true)).isEqualTo("<s>user: hello</s>assistant:");
            assertThat(t.applyChatTemplate(msgs, false)).isEqualTo("<s>user: hello</s>");
        }
    }

    @Test
    void chatTemplateJinjaFileWinsOverTokenizerConfig() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"chat_template\": \"config\"}");
        write("chat_template.jinja", "file {{ messages|length }}\n");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.applyChatTemplate(List.of(Map.of("role", "user", "content", "x")), true)).isEqualTo("file 1");
        }
    }

    @Test
    void missingChatTemplateIsAnErrorWhenApplied() throws IOException {
        copyTiny(dir);
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\", \"chat_template\": [{\"name\": \"rag\", "
                + "\"template\": \"x\"}]}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertThat(t.chatTemplate()).isEmpty();
            assertThatThrownBy(() -> t.applyChatTemplate(List.of(), true))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("has no chat template")
                    .hasMessageContaining("no entry named 'default' (it has: rag)");
        }
    }
}
