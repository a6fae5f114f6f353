package io.github.grpo4j.internal.tokenizer;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.ModelSection;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads whichever tokenizer a model or checkpoint directory holds. */
public final class Tokenizers {
    private Tokenizers() {
    }

    /**
     * {@link CharTokenizer} when {@code dir} holds {@value CharTokenizer#FILE_NAME} (our own exact
     * format, preferred when a Hugging Face export of it sits beside it); else {@link HfTokenizer}
     * when it holds {@code tokenizer.json}.
     *
     * @throws Grpo4jException if the directory holds neither, or the tokenizer found is unreadable
     */
    public static Tokenizer load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new Grpo4jException("tokenizer directory " + dir + " does not exist or is not a directory");
        }
        if (Files.isRegularFile(dir.resolve(CharTokenizer.FILE_NAME))) {
            return CharTokenizer.load(dir);
        }
        if (Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            return HfTokenizer.load(dir);
        }
        throw new Grpo4jException("no tokenizer in " + dir + ": expected tokenizer.json (Hugging Face) or "
                + CharTokenizer.FILE_NAME + " (grpo4j character tokenizer)");
    }

    /**
     * The tokenizer a {@code model} section names: {@code char:<alphabet>}, a directory, the model's own, or
     * else a character tokenizer over {@code fallbackAlphabet} (a built-in task's; null when there is none).
     */
    public static Tokenizer forModel(ModelSection model, String fallbackAlphabet) {
        String spec = model.tokenizer();
        if (spec != null && spec.startsWith("char:")) {
            return CharTokenizer.of(spec.substring("char:".length()));
        }
        if (spec != null) {
            return load(Path.of(spec));
        }
        if (model.path() != null) {
            return load(Path.of(model.path()));
        }
        if (fallbackAlphabet != null) {
            return CharTokenizer.of(fallbackAlphabet);
        }
        throw new Grpo4jException("model.tokenizer is not set and there is no model.path or data.task to take one from; "
                + "set model.tokenizer to a directory with tokenizer.json or to char:<alphabet>");
    }
}
