package io.github.grpo4j.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.tokenizer.ChatTemplate;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.tools.Calculator;
import io.github.grpo4j.internal.tools.ToolBox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolsInTemplateTest {

    /** A tokenizer with a given chat template that records the texts it encodes (one id per character). */
    static final class Recording implements Tokenizer {
        private final Tokenizer base;
        private final ChatTemplate template;
        private final List<String> encoded;

        Recording(Tokenizer base, ChatTemplate template, List<String> encoded) {
            this.base = base;
            this.template = template;
            this.encoded = encoded;
        }

        @Override
        public int[] encode(String text) {
            encoded.add(text);
            return new int[text.length()];
        }

        @Override
        public String decode(int[] ids) {
            return base.decode(ids);
        }

        @Override
        public int vocabSize() {
            return base.vocabSize();
        }

        @Override
        public int[] eosIds() {
            return base.eosIds();
        }

        @Override
        public int padId() {
            return base.padId();
        }

        @Override
        public Optional<ChatTemplate> chatTemplate() {
            return Optional.of(template);
        }

        @Override
        public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
            return template.apply(messages, addGenerationPrompt);
        }
    }

    @Test
    void chatPromptsSeeTheToolsSchemas() {
        ChatTemplate t = ChatTemplate.parse("{% if tools %}{% for tool in tools %}[{{ tool.function.name }}]{% endfor %}{% endif %}"
                + "{% for m in messages %}{{ m.content }}{% endfor %}", "test", Map.of());
        Tokenizer plain = new Recording(CharTokenizer.of("ab"), t, new java.util.ArrayList<>());
        try (ToolBox box = new ToolBox(List.of(new Calculator(), new Calculator("calc2")), Duration.ofSeconds(1))) {
            Tokenizer withTools = new ToolsInTemplate(plain, box);
            List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", "hi"));
            assertThat(withTools.applyChatTemplate(messages, true)).isEqualTo("[calculator][calc2]hi");
            assertThat(plain.applyChatTemplate(messages, true)).isEqualTo("hi");
        }
    }

    @Test
    void aTokenizerWithoutTemplateGetsToolResultsInPlainTags() {
        CharTokenizer chars = CharTokenizer.of("0123456789<>/_toolresponse");
        try (ToolBox box = new ToolBox(List.of(new Calculator()), Duration.ofSeconds(1))) {
            int[] ids = new ToolTurns(chars, box, Map.of()).context(
                    List.of(new ToolBox.Outcome("calculator", "56088", false)), chars.encode("5")[0]);
            assertThat(chars.decode(ids)).isEqualTo("<tool_response>56088</tool_response>");
            // characters the tokenizer lacks are left out, not an error
            int[] err = new ToolTurns(chars, box, Map.of()).context(
                    List.of(new ToolBox.Outcome("calculator", "error: division by zero", true)), 3);
            assertThat(chars.decode(err)).isEqualTo("<tool_response>errorsonero</tool_response>");
        }
    }
}
