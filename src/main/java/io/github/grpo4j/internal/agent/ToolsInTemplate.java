package io.github.grpo4j.internal.agent;

import io.github.grpo4j.internal.tokenizer.ChatTemplate;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.tools.ToolBox;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tokenizer whose chat template sees the run's tools: chat prompts are rendered with the
 * {@code tools} variable set to the tools' schemas, as transformers'
 * {@code apply_chat_template(messages, tools=...)} does (Qwen's template lists them in the system turn).
 * Everything else is the wrapped tokenizer's.
 */
public final class ToolsInTemplate implements Tokenizer {
    private final Tokenizer tokenizer;
    private final Map<String, Object> variables;

    /**
     * @param tokenizer the model's tokenizer
     * @param tools     the run's tools
     */
    public ToolsInTemplate(Tokenizer tokenizer, ToolBox tools) {
        this.tokenizer = tokenizer;
        this.variables = Map.of("tools", tools.schemas());
    }

    @Override
    public int[] encode(String text) {
        return tokenizer.encode(text);
    }

    @Override
    public String decode(int[] ids) {
        return tokenizer.decode(ids);
    }

    @Override
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    @Override
    public int[] eosIds() {
        return tokenizer.eosIds();
    }

    @Override
    public int padId() {
        return tokenizer.padId();
    }

    @Override
    public Optional<ChatTemplate> chatTemplate() {
        return tokenizer.chatTemplate();
    }

    @Override
    public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        Optional<ChatTemplate> t = tokenizer.chatTemplate();
        return t.isPresent() ? t.get().apply(messages, addGenerationPrompt, variables)
                : tokenizer.applyChatTemplate(messages, addGenerationPrompt);
    }

    @Override
    public void save(Path directory) {
        tokenizer.save(directory);
    }
}
