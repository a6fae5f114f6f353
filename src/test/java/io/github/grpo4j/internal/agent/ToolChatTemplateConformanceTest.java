package io.github.grpo4j.internal.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.internal.tokenizer.ChatTemplate;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.tools.Calculator;
import io.github.grpo4j.internal.tools.ToolBox;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real chat templates render tool conversations, with the calculator's schema in {@code tools}, byte for
 * byte as jinja2 does the way transformers' {@code apply_chat_template(messages, tools=[...])} calls it
 * (fixtures: src/test/resources/tokenizer/tool_chat_expected.json, written by gen_fixtures.py).
 */
class ToolChatTemplateConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String text(String name) throws IOException {
        try (InputStream in = ToolChatTemplateConformanceTest.class.getResourceAsStream("/tokenizer/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theFixturesToolIsTheCalculatorsSchema() throws IOException {
        JsonNode all = JSON.readTree(text("tool_chat_expected.json"));
        assertThat(JSON.writeValueAsString(new Calculator().schema()))
                .isEqualTo(JSON.writeValueAsString(all.get("tools").get(0)));
    }

    @TestFactory
    Stream<DynamicTest> toolConversationsRenderAsJinja2() throws IOException {
        JsonNode all = JSON.readTree(text("tool_chat_expected.json"));
        List<DynamicTest> tests = new ArrayList<>();
        List<Map<String, Object>> tools = List.of(new Calculator().schema());
        for (var t : (Iterable<Map.Entry<String, JsonNode>>) all.get("templates")::fields) {
            String name = t.getKey();
            @SuppressWarnings("unchecked")
            Map<String, Object> tokens = JSON.convertValue(t.getValue().get("special_tokens"), Map.class);
            ChatTemplate template = ChatTemplate.parse(text("templates/" + name + ".jinja"), name, tokens);
            for (var c : (Iterable<Map.Entry<String, JsonNode>>) t.getValue().get("cases")::fields) {
                String key = c.getKey();
                boolean gen = key.endsWith("+gen");
                String conv = gen ? key.substring(0, key.length() - 4) : key;
                tests.add(DynamicTest.dynamicTest(name + " " + key, () -> {
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> messages = JSON.convertValue(all.get("conversations").get(conv), List.class);
                    assertThat(c.getValue().has("output")).as("jinja2 rendered it").isTrue();
                    assertThat(template.apply(messages, gen, Map.of("tools", tools)))
                            .isEqualTo(c.getValue().get("output").asText());
                }));
            }
        }
        return tests.stream();
    }

    /** What {@link ToolTurns} appends after a Qwen3 turn: exactly the text jinja2 puts between the turns. */
    @Test
    void theContextAfterAQwen3TurnIsTheTemplatesTextBetweenTurns() throws IOException {
        JsonNode all = JSON.readTree(text("tool_chat_expected.json"));
        String full = all.get("templates").get("qwen3").get("cases").get("stand_in_two_results+gen").get("output").asText();
        String marker = "\u2063grpo4j-turn\u2063";
        String between = full.substring(full.indexOf(marker) + marker.length());
        assertThat(between).isEqualTo("<|im_end|>\n<|im_start|>user\n<tool_response>\n56088\n</tool_response>\n"
                + "<tool_response>\nerror: unknown tool 'search'; available: calculator\n</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n");
        // a recording tokenizer with Qwen3's template shows what ToolTurns encodes
        Map<String, Object> tokens = new HashMap<>();
        tokens.put("eos_token", "<|im_end|>");
        tokens.put("pad_token", "<|endoftext|>");
        ChatTemplate qwen3 = ChatTemplate.parse(text("templates/qwen3.jinja"), "qwen3", tokens);
        List<String> encoded = new ArrayList<>();
        CharTokenizer chars = CharTokenizer.of(" ", null);
        io.github.grpo4j.internal.tokenizer.Tokenizer recording = new ToolsInTemplateTest.Recording(chars, qwen3, encoded);
        try (ToolBox box = new ToolBox(List.of(new Calculator()), Duration.ofSeconds(1))) {
            new ToolTurns(recording, box, Map.of()).context(List.of(new ToolBox.Outcome("calculator", "56088", false),
                    new ToolBox.Outcome(null, "error: unknown tool 'search'; available: calculator", true)), 0);
        }
        assertThat(encoded).containsExactly(between);
    }
}
