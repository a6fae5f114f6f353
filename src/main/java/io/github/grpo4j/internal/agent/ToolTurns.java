package io.github.grpo4j.internal.agent;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.tokenizer.ChatTemplate;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.tools.ToolBox;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The context tokens that follow a model turn with tool calls: the tool results as the chat template
 * renders {@code tool} messages, up to the start of the model's next turn.
 *
 * <p>How: the template renders a stand-in conversation (a user message, an assistant message whose
 * content is a marker, then the tool messages) with {@code add_generation_prompt}; the context is
 * everything after the marker. So it holds whatever the template writes between the end of the
 * assistant's content and the start of the next assistant turn (for Qwen:
 * {@code <|im_end|>\n<|im_start|>user\n<tool_response>\n...\n</tool_response><|im_end|>\n<|im_start|>assistant\n}).
 * When the model's turn ended with an EOS token that is also the context's first token (Qwen's
 * {@code <|im_end|>}), that token is not repeated. Tokenizers without a chat template use
 * {@link #PLAIN_TEMPLATE}: {@code <tool_response>result</tool_response>} and nothing else.
 */
public final class ToolTurns {
    /** The template of tokenizers that have none: each tool result in {@code <tool_response>} tags. */
    public static final String PLAIN_TEMPLATE = "{%- for m in messages -%}"
            + "{%- if m.role == 'tool' -%}<tool_response>{{ m.content }}</tool_response>"
            + "{%- else -%}{{ m.content }}{%- endif -%}{%- endfor -%}";
    private static final String MARKER = "\u2063grpo4j-turn\u2063";

    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final Map<String, Object> variables;
    private final int[] eosIds;

    /**
     * @param tokenizer encodes the context; its chat template renders it (or {@link #PLAIN_TEMPLATE})
     * @param tools     whose schemas the template sees as {@code tools}
     * @param extraVariables more template variables (e.g. {@code enable_thinking})
     */
    public ToolTurns(Tokenizer tokenizer, ToolBox tools, Map<String, ?> extraVariables) {
        this.tokenizer = tokenizer;
        this.template = tokenizer.chatTemplate().orElseGet(() -> ChatTemplate.parse(PLAIN_TEMPLATE,
                "grpo4j's plain tool template", Map.of()));
        this.variables = new LinkedHashMap<>(extraVariables);
        this.variables.put("tools", tools.schemas());
        this.eosIds = tokenizer.eosIds();
    }

    /** {@return the chat template the context is rendered with} */
    public ChatTemplate template() {
        return template;
    }

    /**
     * The context tokens after a turn.
     *
     * @param results   each call's tool name (may be null) and the content the model is shown
     * @param lastToken the last token of the model's turn
     * @return token ids to append after the turn
     */
    public int[] context(List<ToolBox.Outcome> results, int lastToken) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (ToolBox.Outcome r : results) {
            messages.add(message(r));
        }
        return contextOf(messages, lastToken);
    }

    /**
     * The context tokens of any messages after a model turn (an environment's {@code user} messages, tool
     * results), rendered the same way.
     *
     * @param following the messages after the turn, each with {@code role} and {@code content}
     * @param lastToken the last token of the model's turn (-1 when there is none)
     * @return token ids to append after the turn
     */
    public int[] contextOf(List<Map<String, Object>> following, int lastToken) {
        List<Map<String, Object>> messages = new ArrayList<>();
        messages.add(Map.of("role", "user", "content", "?"));
        messages.add(Map.of("role", "assistant", "content", MARKER));
        messages.addAll(following);
        String text = template.apply(messages, true, variables);
        int at = text.indexOf(MARKER);
        if (at < 0) {
            throw new Grpo4jException("chat template " + template.name() + " does not render an assistant message's "
                    + "content, so tool results cannot be placed after it");
        }
        int[] ids = tokenizer.encode(encodable(text.substring(at + MARKER.length())));
        if (ids.length > 0 && ids[0] == lastToken && isEos(lastToken)) {
            return java.util.Arrays.copyOfRange(ids, 1, ids.length);
        }
        return ids;
    }

    /**
     * The text without the characters a character tokenizer lacks (a tool's result or error message may
     * hold any character; the model cannot see those anyway). Other tokenizers encode any text.
     */
    private String encodable(String text) {
        if (!(tokenizer instanceof CharTokenizer chars)) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().filter(cp -> chars.idOf(cp) >= 0).forEach(sb::appendCodePoint);
        return sb.toString();
    }

    /** The {@code tool} message of a result, as it goes into the conversation. */
    public static Map<String, Object> message(ToolBox.Outcome r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "tool");
        if (r.name() != null) {
            m.put("name", r.name());
        }
        m.put("content", r.content());
        return m;
    }

    private boolean isEos(int id) {
        for (int e : eosIds) {
            if (e == id) {
                return true;
            }
        }
        return false;
    }
}
