package io.github.grpo4j.internal.generate;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test tokenizer: id 0 is PAD, id 1 is EOS, ids 2.. are the characters of an alphabet. */
public final class TinyTokenizer implements Tokenizer {
    public static final int PAD = 0;
    public static final int EOS = 1;
    private final String alphabet;

    public TinyTokenizer(String alphabet) {
        this.alphabet = alphabet;
    }

    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            int k = alphabet.indexOf(text.charAt(i));
            if (k < 0) {
                throw new Grpo4jException("character '" + text.charAt(i) + "' is not in the alphabet " + alphabet);
            }
            ids[i] = k + 2;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (id >= 2) {
                sb.append(alphabet.charAt(id - 2));
            }
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return alphabet.length() + 2;
    }

    @Override
    public int[] eosIds() {
        return new int[] {EOS};
    }

    @Override
    public int padId() {
        return PAD;
    }

    @Override
    public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> m : messages) {
            sb.append(m.get("content"));
        }
        return sb.toString();
    }

    @Override
    public void save(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("alphabet.txt"), alphabet);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
