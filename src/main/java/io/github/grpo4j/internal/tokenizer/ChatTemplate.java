package io.github.grpo4j.internal.tokenizer;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tokenizer.jinja.JinjaTemplate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's chat template with the special tokens it is rendered with: turns chat messages into the
 * prompt text exactly as transformers'
 * {@code tokenizer.apply_chat_template(messages, add_generation_prompt=..., tokenize=False)} does.
 * The variables a template sees are the same as there: {@code messages}, {@code tools} (None),
 * {@code documents} (None), {@code add_generation_prompt}, the special tokens ({@code bos_token},
 * {@code eos_token}, {@code pad_token}, {@code unk_token}, ..., {@code additional_special_tokens})
 * and any extra variables given (e.g. {@code enable_thinking=false} for Qwen3).
 */
public final class ChatTemplate {
    private final JinjaTemplate template;
    private final Map<String, Object> specialTokens;
    private final String source;

    private ChatTemplate(JinjaTemplate template, Map<String, Object> specialTokens, String source) {
        this.template = template;
        this.source = source;
        this.specialTokens = Map.copyOf(specialTokens);
    }

    /**
     * Parses a template.
     *
     * @param source the Jinja source
     * @param name where it came from, for error messages (e.g. "chat_template in /m/tokenizer_config.json")
     * @param specialTokens template variables such as {@code bos_token} and {@code eos_token} (strings),
     *     {@code additional_special_tokens} (a list); tokens the model does not define are left out
     * @throws Grpo4jException if the template does not parse, naming the line
     */
    public static ChatTemplate parse(String source, String name, Map<String, ?> specialTokens) {
        return new ChatTemplate(JinjaTemplate.parse(source, name), new HashMap<>(specialTokens), source);
    }

    /** Renders {@code messages} (maps with "role" and "content", optionally "tool_calls", ...). */
    public String apply(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt) {
        return apply(messages, addGenerationPrompt, Map.of());
    }

    /**
     * Renders {@code messages} with extra template variables (transformers' {@code **kwargs}), such as
     * {@code enable_thinking} or {@code tools}; they override the defaults.
     */
    public String apply(List<? extends Map<String, ?>> messages, boolean addGenerationPrompt,
            Map<String, ?> extraVariables) {
        if (messages == null) {
            throw new Grpo4jException("chat messages must be a list of {role, content} maps, got null");
        }
        Map<String, Object> vars = new HashMap<>(specialTokens);
        vars.put("messages", messages);
        vars.put("tools", null);
        vars.put("documents", null);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.putAll(extraVariables);
        return template.render(vars);
    }

    /** The special-token variables the template is rendered with. */
    public Map<String, Object> specialTokens() {
        return specialTokens;
    }

    /** {@return the Jinja source} */
    public String source() {
        return source;
    }

    /** {@return where the template came from, for messages} */
    public String name() {
        return template.name();
    }
}
