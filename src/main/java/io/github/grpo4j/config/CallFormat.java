package io.github.grpo4j.config;

import java.util.Locale;

/** How the model writes tool calls ({@code tools.call_format}, docs/tools.md). */
public enum CallFormat {
    /** From the chat template: {@link #LLAMA3} when it mentions {@code <|python_tag|>} or {@code ipython}, else {@link #HERMES}. */
    AUTO,
    /** {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>} (Hermes, Qwen). */
    HERMES,
    /** A bare JSON object with {@code name} and {@code parameters} (Llama 3). */
    LLAMA3;

    /** {@return the config spelling: the lowercase name, e.g. {@code "hermes"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
