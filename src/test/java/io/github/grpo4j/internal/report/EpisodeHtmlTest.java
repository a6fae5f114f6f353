package io.github.grpo4j.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** report.html marks a multi-turn episode's tool calls and tool results, escaped. */
class EpisodeHtmlTest {

    @Test
    void toolCallsAndResultsAreMarkedApartAndEverythingIsEscaped() {
        String episode = "<tool_call>{\"name\":\"calculator\",\"arguments\":{\"expression\":\"2*3\"}}</tool_call>"
                + "<tool_response>6</tool_response>6 & <b>";
        String html = HtmlReport.episode(episode);
        assertThat(html).isEqualTo("<span class=\"call\" title=\"tool call (written by the model)\">"
                + "&lt;tool_call&gt;{&quot;name&quot;:&quot;calculator&quot;,&quot;arguments&quot;:{&quot;expression"
                + "&quot;:&quot;2*3&quot;}}&lt;/tool_call&gt;</span>"
                + "<span class=\"result\" title=\"tool result (context, not trained on)\">&lt;tool_response&gt;6"
                + "&lt;/tool_response&gt;</span>6 &amp; &lt;b&gt;");
        // a call the budget cut is marked to the end; text without calls is only escaped
        assertThat(HtmlReport.episode("x<tool_call>{\"na")).startsWith("x<span class=\"call\"").endsWith("na</span>");
        assertThat(HtmlReport.episode("42 <i>")).isEqualTo("42 &lt;i&gt;");
    }
}
