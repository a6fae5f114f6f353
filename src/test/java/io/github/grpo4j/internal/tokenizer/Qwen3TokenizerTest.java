package io.github.grpo4j.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen3's real tokenizer files (resources/tokenizer/qwen3). Expected ids are read off its
 * tokenizer.json vocabulary ("Hello" 9707, "Ġworld" 1879, added tokens from 151643); expected
 * prompts are what transformers' apply_chat_template renders (see gen_fixtures.py).
 */
class Qwen3TokenizerTest {
    @TempDir
    static Path dir;
    static HfTokenizer qwen;

    @BeforeAll
    static void unpack() throws IOException {
        try (InputStream in = new GZIPInputStream(
                Qwen3TokenizerTest.class.getResourceAsStream("/tokenizer/qwen3/tokenizer.json.gz"))) {
            Files.copy(in, dir.resolve("tokenizer.json"));
        }
        try (InputStream in = Qwen3TokenizerTest.class.getResourceAsStream("/tokenizer/qwen3/tokenizer_config.json")) {
            Files.copy(in, dir.resolve("tokenizer_config.json"));
        }
        qwen = HfTokenizer.load(dir);
    }

    @AfterAll
    static void close() {
        qwen.close();
    }

    @Test
    void encodesWithTheByteLevelBpeVocabulary() {
        assertThat(qwen.encode("Hello world")).containsExactly(9707, 1879);
        assertThat(qwen.encode("<|im_start|>user")).startsWith(151644);
        assertThat(qwen.decode(qwen.encode("Grüße, 你好! 😀"))).isEqualTo("Grüße, 你好! 😀");
    }

    @Test
    void specialTokensComeFromTokenizerConfig() {
        assertThat(qwen.eosIds()).containsExactly(151645); // <|im_end|>
        assertThat(qwen.padId()).isEqualTo(151643); // <|endoftext|>
        assertThat(qwen.vocabSize()).isEqualTo(151669);
        assertThat(qwen.tokenId("<think>")).hasValue(151667);
    }

    @Test
    void decodeDropsImEndButKeepsThinkTags() {
        int[] ids = qwen.encode("<think>\nok\n</think>\n\nHello<|im_end|>");
        assertThat(ids[ids.length - 1]).isEqualTo(151645);
        assertThat(qwen.decode(ids)).isEqualTo("<think>\nok\n</think>\n\nHello");
    }

    @Test
    void longTextIsNotTruncated() {
        String text = "word ".repeat(3000);
        assertThat(qwen.encode(text).length).isGreaterThanOrEqualTo(3000);
        assertThat(qwen.decode(qwen.encode(text))).isEqualTo(text);
    }

    @Test
    void chatTemplateRendersLikeTransformers() {
        List<Map<String, Object>> msgs = List.of(
                Map.of("role", "system", "content", "You are helpful."),
                Map.of("role", "user", "content", "Hi"));
        assertThat(qwen.applyChatTemplate(msgs, true)).isEqualTo(
                "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void enableThinkingFalseAddsAnEmptyThinkBlock() {
        List<Map<String, Object>> msgs = List.of(Map.of("role", "user", "content", "Hi"));
        assertThat(qwen.applyChatTemplate(msgs, true, Map.of("enable_thinking", false))).isEqualTo(
                "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void earlierTurnsLoseTheirReasoning() {
        List<Map<String, Object>> msgs = List.of(
                Map.of("role", "user", "content", "2+2?"),
                Map.of("role", "assistant", "content", "<think>\nadd\n</think>\n\n4"),
                Map.of("role", "user", "content", "3+3?"));
        assertThat(qwen.applyChatTemplate(msgs, true)).isEqualTo("<|im_start|>user\n2+2?<|im_end|>\n"
                + "<|im_start|>assistant\n4<|im_end|>\n<|im_start|>user\n3+3?<|im_end|>\n<|im_start|>assistant\n");
    }
}
