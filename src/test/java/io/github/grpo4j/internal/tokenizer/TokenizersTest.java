package io.github.grpo4j.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {
    @TempDir
    Path dir;

    @Test
    void picksTheCharacterTokenizerForItsOwnFile() {
        CharTokenizer.of("abc").save(dir);
        assertThat(Tokenizers.load(dir)).isEqualTo(CharTokenizer.of("abc"));
    }

    @Test
    void prefersTheCharacterFileOverItsHuggingFaceExport() {
        CharTokenizer t = CharTokenizer.of("abc");
        t.save(dir);
        t.saveHuggingFace(dir);
        assertThat(Tokenizers.load(dir)).isEqualTo(t);
    }

    @Test
    void picksTheHuggingFaceTokenizerWhenTokenizerJsonIsThere() throws IOException {
        HfTokenizerTest.copyTiny(dir);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        Tokenizer t = Tokenizers.load(dir);
        assertThat(t).isInstanceOf(HfTokenizer.class);
        assertThat(t.encode("hello")).containsExactly(5);
        ((HfTokenizer) t).close();
    }

    @Test
    void aDirectoryWithoutTokenizerIsAClearError() {
        assertThatThrownBy(() -> Tokenizers.load(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("no tokenizer in " + dir).hasMessageContaining("tokenizer.json")
                .hasMessageContaining(CharTokenizer.FILE_NAME);
        assertThatThrownBy(() -> Tokenizers.load(dir.resolve("missing"))).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("does not exist");
    }
}
