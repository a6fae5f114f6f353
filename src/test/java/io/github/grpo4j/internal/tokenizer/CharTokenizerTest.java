package io.github.grpo4j.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharTokenizerTest {
    private static final CharTokenizer ADDITION = CharTokenizer.of("0123456789+=");

    @Test
    void specialTokensHaveFixedIdsAndCharactersFollowInAlphabetOrder() {
        assertThat(ADDITION.padId()).isEqualTo(0);
        assertThat(ADDITION.bosId()).isEqualTo(1);
        assertThat(ADDITION.eosIds()).containsExactly(2);
        assertThat(ADDITION.vocabSize()).isEqualTo(3 + 12);
        assertThat(ADDITION.encode("07+35=")).containsExactly(3, 10, 13, 6, 8, 14);
    }

    @Test
    void decodeSkipsPadBosAndEos() {
        assertThat(ADDITION.decode(new int[] {1, 3, 10, 2, 0, 0})).isEqualTo("07");
        assertThat(ADDITION.decode(new int[0])).isEmpty();
    }

    @Test
    void unknownCharacterNamesTheCharacterAndItsPosition() {
        assertThatThrownBy(() -> ADDITION.encode("12-3"))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("'-'").hasMessageContaining("U+002D")
                .hasMessageContaining("position 2").hasMessageContaining("\"0123456789+=\"");
        assertThatThrownBy(() -> ADDITION.encode("1\n"))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("\"\\n\"").hasMessageContaining("position 1");
    }

    @Test
    void idOutsideTheVocabularyIsAnError() {
        assertThatThrownBy(() -> ADDITION.decode(new int[] {3, 15}))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("token id 15 at position 1");
        assertThatThrownBy(() -> ADDITION.decode(new int[] {-1}))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("token id -1");
    }

    @Test
    void repeatedCharactersKeepTheirFirstId() {
        CharTokenizer t = CharTokenizer.of("abca");
        assertThat(t.alphabet()).isEqualTo("abc");
        assertThat(t.vocabSize()).isEqualTo(6);
        assertThat(t.encode("a")).containsExactly(3);
    }

    @Test
    void fromTextsCollectsEveryCharacterSortedByCodePoint() {
        CharTokenizer t = CharTokenizer.fromTexts(List.of("ba", "c a"));
        assertThat(t.alphabet()).isEqualTo(" abc");
    }

    @Test
    void charactersOutsideTheBasicPlaneAreOneToken() {
        CharTokenizer t = CharTokenizer.of("é😀x");
        assertThat(t.encode("😀xé")).containsExactly(4, 5, 3);
        assertThat(t.decode(new int[] {4, 3})).isEqualTo("😀é");
    }

    @Test
    void emptyAlphabetIsRejected() {
        assertThatThrownBy(() -> CharTokenizer.of("")).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("non-empty alphabet");
    }

    @Test
    void savedTokenizerLoadsBackEqual(@TempDir Path dir) {
        CharTokenizer t = CharTokenizer.of("ab\n\"\\é😀", "{% for m in messages %}{{ m.content }}{% endfor %}");
        t.save(dir);
        CharTokenizer back = CharTokenizer.load(dir);
        assertThat(back).isEqualTo(t);
        assertThat(back.encode("a\n😀")).containsExactly(t.encode("a\n😀"));
        assertThat(back.applyChatTemplate(List.of(Map.of("role", "user", "content", "ab")), true)).isEqualTo("ab");
        assertThat(CharTokenizer.load(dir.resolve(CharTokenizer.FILE_NAME))).isEqualTo(t);
    }

    @Test
    void huggingFaceExportGivesTheSameIdsAndText(@TempDir Path dir) {
        CharTokenizer t = CharTokenizer.of("ab \n\t.é😀<>", "{{ messages[0].content }}");
        t.saveHuggingFace(dir);
        try (HfTokenizer hf = HfTokenizer.load(dir)) {
            for (String text : List.of("ab", "a b\n\tb.", "😀é<a>", " ", "")) {
                assertThat(hf.encode(text)).as(text).containsExactly(t.encode(text));
                assertThat(hf.decode(t.encode(text))).isEqualTo(text);
            }
            assertThat(hf.decode(new int[] {1, 3, 2, 0})).isEqualTo("a");
            assertThat(hf.vocabSize()).isEqualTo(t.vocabSize());
            assertThat(hf.eosIds()).containsExactly(CharTokenizer.EOS_ID);
            assertThat(hf.padId()).isEqualTo(CharTokenizer.PAD_ID);
            assertThat(hf.applyChatTemplate(List.of(Map.of("role", "user", "content", "ab")), true)).isEqualTo("ab");
            assertThatThrownBy(() -> hf.encode("az")).isInstanceOf(Grpo4jException.class);
        }
    }

    @Test
    void loadRejectsAFileOfAnotherFormat(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(CharTokenizer.FILE_NAME), "{\"format\": \"other\", \"alphabet\": \"ab\"}");
        assertThatThrownBy(() -> CharTokenizer.load(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("field \"format\" must be \"grpo4j-char-tokenizer\"");
        Files.writeString(dir.resolve(CharTokenizer.FILE_NAME), "{\"format\": \"grpo4j-char-tokenizer\", \"version\": 1}");
        assertThatThrownBy(() -> CharTokenizer.load(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("field \"alphabet\"");
        Files.writeString(dir.resolve(CharTokenizer.FILE_NAME), "{not json");
        assertThatThrownBy(() -> CharTokenizer.load(dir)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("cannot read " + dir.resolve(CharTokenizer.FILE_NAME) + ": line 1, column ")
                .hasMessageNotContaining("Source:");
    }

    @Test
    void withoutAChatTemplateApplyingOneIsAnError() {
        assertThatThrownBy(() -> ADDITION.applyChatTemplate(List.of(), true))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("no chat template");
    }

    @Property(tries = 200)
    void decodeInvertsEncode(@ForAll @StringLength(max = 40) @Chars({'0', '1', '2', '3', '4', '5', '6', '7', '8',
            '9', '+', '='}) String text) {
        assertThat(ADDITION.decode(ADDITION.encode(text))).isEqualTo(text);
    }
}
