package io.github.grpo4j.internal.tools;

import io.github.grpo4j.config.CallFormat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolCallFormatTest {

    @Test
    void hermesReadsEachCallWithItsArguments() {
        List<ToolCall> calls = ToolCallFormat.HERMES.parseCalls("Let me compute.\n<tool_call>\n{\"name\": \"calculator\", "
                + "\"arguments\": {\"expression\": \"2*3\"}}\n</tool_call>\n<tool_call>{\"name\":\"search\",\"arguments\":{}}</tool_call>");
        assertThat(calls).containsExactly(ToolCall.of("calculator", Map.of("expression", "2*3")),
                ToolCall.of("search", Map.of()));
    }

    @Test
    void hermesArgumentsWrittenAsAJsonStringAreRead() {
        assertThat(ToolCallFormat.HERMES.parseCalls("<tool_call>{\"name\":\"c\",\"arguments\":\"{\\\"x\\\": 1}\"}</tool_call>"))
                .containsExactly(ToolCall.of("c", Map.of("x", 1)));
    }

    @Test
    void aTurnWithoutACallHasNone() {
        assertThat(ToolCallFormat.HERMES.parseCalls("The answer is 6.")).isEmpty();
        assertThat(ToolCallFormat.LLAMA3.parseCalls("The answer is 6.")).isEmpty();
    }

    @Test
    void malformedCallsAreRecordedNotThrown() {
        assertThat(ToolCallFormat.HERMES.parseCalls("<tool_call>{\"name\": \"calc</tool_call>"))
                .singleElement().satisfies(c -> assertThat(c.error()).contains("not valid JSON"));
        assertThat(ToolCallFormat.HERMES.parseCalls("<tool_call>{\"arguments\": {}}</tool_call>"))
                .singleElement().satisfies(c -> assertThat(c.error()).contains("no \"name\""));
        assertThat(ToolCallFormat.HERMES.parseCalls("<tool_call>{\"name\": \"c\", \"arguments\": [1]}</tool_call>"))
                .singleElement().satisfies(c -> assertThat(c.error()).contains("not a JSON object"));
        assertThat(ToolCallFormat.HERMES.parseCalls("<tool_call>{\"name\": \"c\"}"))
                .singleElement().satisfies(c -> assertThat(c.error()).contains("without </tool_call>"));
        assertThat(ToolCallFormat.LLAMA3.parseCalls("{\"name\": \"c\", \"parameters\": {"))
                .singleElement().satisfies(c -> assertThat(c.error()).contains("not valid JSON"));
    }

    @Test
    void llama3ReadsABareJsonObjectWithParameters() {
        assertThat(ToolCallFormat.LLAMA3.parseCalls(" {\"name\": \"calculator\", \"parameters\": {\"expression\": \"1+1\"}}"))
                .containsExactly(ToolCall.of("calculator", Map.of("expression", "1+1")));
        assertThat(ToolCallFormat.LLAMA3.parseCalls("<|python_tag|>{\"name\": \"c\", \"arguments\": {\"a\": \"b\"}}"))
                .containsExactly(ToolCall.of("c", Map.of("a", "b")));
    }

    @Test
    void theFormatComesFromTheChatTemplate() {
        assertThat(ToolCallFormat.of(CallFormat.AUTO, "{{- '<tool_call>\\n' }}")).isEqualTo(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.of(CallFormat.AUTO, "{%- if message.role == 'ipython' %}<|python_tag|>")).isEqualTo(ToolCallFormat.LLAMA3);
        assertThat(ToolCallFormat.of(CallFormat.AUTO, null)).isEqualTo(ToolCallFormat.HERMES);
        assertThat(ToolCallFormat.of(CallFormat.LLAMA3, "<tool_call>")).isEqualTo(ToolCallFormat.LLAMA3);
        assertThat(ToolCallFormat.HERMES.stopStrings()).containsExactly("</tool_call>");
        assertThat(ToolCallFormat.LLAMA3.stopStrings()).isEmpty();
    }
}
