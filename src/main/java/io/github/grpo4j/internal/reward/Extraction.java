package io.github.grpo4j.internal.reward;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Picks the part of a completion a matching reward compares: the whole completion, the content of the
 * <em>last</em> {@code <tag>...</tag>} (parameter {@code tag}), or the <em>last</em> match of a regex
 * (parameter {@code extract}; its group 1 when it has a group, else the whole match). The last
 * occurrence is used because models restate the question before answering. Nothing found → null, and
 * the reward scores 0 (the completion did not give an answer).
 */
public final class Extraction {
    private final Pattern pattern; // null = whole completion

    private Extraction(Pattern pattern) {
        this.pattern = pattern;
    }

    /** The whole completion. */
    public static Extraction whole() {
        return new Extraction(null);
    }

    /** The content of the last {@code <tag>...</tag>}, across lines. */
    public static Extraction tag(String tag) {
        return new Extraction(Pattern.compile("<" + Pattern.quote(tag) + ">(.*?)</" + Pattern.quote(tag) + ">", Pattern.DOTALL));
    }

    /** The last match of {@code regex} (group 1 if the regex has a group). */
    public static Extraction regex(String regex) {
        return new Extraction(Pattern.compile(regex, Pattern.DOTALL));
    }

    /** From the parameters {@code tag} or {@code extract} (at most one), else the whole completion. */
    static Extraction from(Params p) {
        if (p.has("tag") && p.has("extract")) {
            throw p.invalid("extract", "cannot be combined with 'tag'; give one of them");
        }
        if (p.has("tag")) {
            return tag(p.requireString("tag"));
        }
        if (p.has("extract")) {
            try {
                return regex(p.requireString("extract"));
            } catch (PatternSyntaxException e) {
                throw p.invalid("extract", "is not a valid regular expression: " + e.getDescription() + " in '" + e.getPattern() + "'");
            }
        }
        return whole();
    }

    /** The extracted text, stripped of surrounding whitespace, or null when nothing matched. */
    public String apply(String completion) {
        if (pattern == null) {
            return completion.strip();
        }
        Matcher m = pattern.matcher(completion);
        String last = null;
        while (m.find()) {
            last = m.groupCount() >= 1 ? m.group(1) : m.group();
            if (last == null) {
                last = "";
            }
        }
        return last == null ? null : last.strip();
    }

    /**
     * The value of a row field for reward {@code fn}: a missing key is a configuration error (names
     * the fields the row has); a present key whose value is null returns null (not applicable).
     */
    static Object rowField(String fn, Map<String, Object> row, String field) {
        if (!row.containsKey(field)) {
            throw new RewardConfigException("reward '" + fn + "': the dataset row has no field '" + field + "' (it has "
                    + row.keySet() + "); set the reward's 'field' parameter to one of them");
        }
        return row.get(field);
    }

    /** A row value as text: integral numbers without a trailing ".0". */
    static String asText(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
        }
        return v.toString().strip();
    }
}
