package io.github.grpo4j.internal.bench;

import io.github.grpo4j.internal.tokenizer.Tokenizer;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer covering a vocabulary of any size with no end-of-sequence id, so generation always runs
 * to max_new_tokens ("EOS disabled") without any change to the generator: id i is the code point
 * {@code FIRST + i}; id 0 doubles as padding (padding is masked, so its value does not matter).
 */
final class BenchTokenizer implements Tokenizer {
    /** First code point; the range above it has no combining or control characters for small vocabularies. */
    private static final int FIRST = 0x4E00;
    private final int vocab;

    BenchTokenizer(int vocab) {
        this.vocab = vocab;
    }

    @Override
    public int[] encode(String text) {
        return text.codePoints().map(cp -> {
            int id = cp - FIRST;
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(cp) + " is not in the bench"
                        + " vocabulary");
            }
            return id;
        }).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            sb.appendCodePoint(FIRST + id);
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int[] eosIds() {
        return new int[0]; // nothing ends a completion early
    }

    @Override
    public int padId() {
        return 0;
    }

    @Override
    public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        throw new UnsupportedOperationException("the bench tokenizer has no chat template");
    }
}
