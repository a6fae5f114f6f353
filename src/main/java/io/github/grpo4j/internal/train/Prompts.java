package io.github.grpo4j.internal.train;

import io.github.grpo4j.internal.data.PromptEncoder;
import io.github.grpo4j.internal.data.PromptRow;
import java.util.ArrayList;
import java.util.List;

/** Dataset rows to trainer prompts. */
public final class Prompts {
    private Prompts() {}

    /** Renders (chat template), encodes and left-truncates each row; the row's other fields go along. */
    public static List<Prompt> encode(List<PromptRow> rows, PromptEncoder encoder) {
        List<Prompt> out = new ArrayList<>(rows.size());
        for (PromptRow row : rows) {
            out.add(new Prompt(row.prompt() != null ? row.prompt() : row.summary(), encoder.encode(row), row.fields()));
        }
        return out;
    }
}
