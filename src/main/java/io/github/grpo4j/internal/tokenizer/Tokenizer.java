package io.github.grpo4j.internal.tokenizer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Text to token ids and back, plus the special tokens and chat template the trainer needs. */
public interface Tokenizer {

    /** Ids of {@code text} without adding special tokens. */
    int[] encode(String text);

    /** Text of {@code ids}, leaving out special tokens (EOS, PAD, ...). */
    String decode(int[] ids);

    int vocabSize();

    /** Token ids that end a completion. Never empty. */
    int[] eosIds();

    /** Id used to pad batches. */
    int padId();

    /**
     * Renders chat {@code messages} (maps with "role" and "content") into the model's prompt text,
     * the way transformers' {@code apply_chat_template(messages, add_generation_prompt=...)} does.
     *
     * @throws io.github.grpo4j.Grpo4jException if this tokenizer has no chat template
     */
    String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt);

    /** {@return the chat template, when this tokenizer has one} */
    default java.util.Optional<ChatTemplate> chatTemplate() {
        return java.util.Optional.empty();
    }

    /**
     * Writes the tokenizer files into {@code directory} (for Hugging Face tokenizers:
     * {@code tokenizer.json}, {@code tokenizer_config.json}) so a saved model directory loads again.
     * The default says it is missing.
     */
    default void save(Path directory) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not implement save(Path)");
    }
}
