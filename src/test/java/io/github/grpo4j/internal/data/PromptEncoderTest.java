package io.github.grpo4j.internal.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptEncoderTest {

    /** One token per character; the chat template joins contents with '|'. */
    static final PromptDatasetTest.FakeTokenizer TOKENIZER = new PromptDatasetTest.FakeTokenizer() {
        @Override
        public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
            StringBuilder b = new StringBuilder();
            messages.forEach(m -> b.append(m.get("content")).append('|'));
            return b.append(addGenerationPrompt ? ">" : "").toString();
        }
    };

    @Test
    void shortPromptsAreEncodedWhole() {
        PromptEncoder e = new PromptEncoder(TOKENIZER, 5);
        assertThat(e.encode(PromptRow.of("abc"))).containsExactly('a', 'b', 'c');
        assertThat(e.encode(PromptRow.of("abcde"))).containsExactly('a', 'b', 'c', 'd', 'e');
        assertThat(e.truncatedCount()).isZero();
    }

    @Test
    void longPromptsKeepTheirLastTokensAndAreCounted() {
        PromptEncoder e = new PromptEncoder(TOKENIZER, 3);
        assertThat(e.encode(PromptRow.of("abcdef"))).containsExactly('d', 'e', 'f');
        PromptRow chat = new PromptRow(4, null, List.of(Map.of("role", "user", "content", "xyz")), Map.of());
        assertThat(e.encode(chat)).containsExactly('z', '|', '>'); // rendered "xyz|>" then truncated
        assertThat(e.truncatedCount()).isEqualTo(2);
    }

    @Test
    void leftTruncateKeepsTheTail() {
        assertThat(PromptEncoder.leftTruncate(new int[] {1, 2, 3, 4}, 2)).containsExactly(3, 4);
        assertThat(PromptEncoder.leftTruncate(new int[] {1, 2}, 2)).containsExactly(1, 2);
    }
}
