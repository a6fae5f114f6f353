package io.github.grpo4j.internal.tokenizer;

import io.github.grpo4j.Grpo4jException;
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
}
