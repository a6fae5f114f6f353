package io.github.grpo4j.internal.data.tasks;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.reward.Params;
import io.github.grpo4j.reward.RewardFunction;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * {@code sort}: prompt {@code sort 5281:}, answer {@code 1258} (characters in ascending order).
 *
 * <p>Items are drawn with replacement from {@code symbols}. Parameters: {@code symbols}
 * ({@code digits} = 0-9 (default), {@code letters} = a-z, or any string of distinct characters other
 * than space and ':'), {@code min_length} (default 3), {@code max_length} (default 6),
 * {@code held_out_fraction} (default 0.1). Row fields: {@code prompt}, {@code answer}, {@code items}
 * (the unsorted string). Split key: the sorted items, so held-out multisets never appear in training
 * in any order.
 */
public final class SortTask extends SyntheticTask {
    static final List<String> PARAMS = List.of("symbols", "min_length", "max_length", "held_out_fraction");
    private static final String PREFIX = "sort ";

    private final String symbols;
    private final int minLength;
    private final int maxLength;

    /**
     * @param symbols         the item characters (distinct, no space or ':')
     * @param minLength       shortest list, &gt;= 1
     * @param maxLength       longest list, &gt;= minLength, &lt;= 64
     * @param heldOutFraction share of problems held out, in [0, 1)
     */
    public SortTask(String symbols, int minLength, int maxLength, double heldOutFraction) {
        super(heldOutFraction);
        if (symbols == null || symbols.isEmpty() || symbols.chars().distinct().count() != symbols.length()
                || symbols.indexOf(' ') >= 0 || symbols.indexOf(':') >= 0) {
            throw new Grpo4jException("task sort: symbols must be 'digits', 'letters' or distinct characters without"
                    + " space or ':', got '" + symbols + "'");
        }
        if (minLength < 1 || maxLength < minLength || maxLength > 64) {
            throw new Grpo4jException("task sort: need 1 <= min_length <= max_length <= 64, got min_length=" + minLength
                    + ", max_length=" + maxLength);
        }
        this.symbols = symbols;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    static SortTask create(Params p) {
        String s = p.string("symbols", "digits");
        String symbols = switch (s) {
            case "digits" -> "0123456789";
            case "letters" -> "abcdefghijklmnopqrstuvwxyz";
            default -> s;
        };
        return new SortTask(symbols, p.integer("min_length", 3), p.integer("max_length", 6), p.number("held_out_fraction", 0.1));
    }

    @Override
    public String name() {
        return "sort";
    }

    @Override
    String describe() {
        return "sort(symbols=" + symbols + ", min_length=" + minLength + ", max_length=" + maxLength + ")";
    }

    @Override
    public String alphabet() {
        return alphabetOf(PREFIX, ":", symbols);
    }

    @Override
    Map<String, Object> sample(Random rng) {
        int n = minLength + rng.nextInt(maxLength - minLength + 1);
        char[] items = new char[n];
        for (int i = 0; i < n; i++) {
            items[i] = symbols.charAt(rng.nextInt(symbols.length()));
        }
        String unsorted = new String(items);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("prompt", PREFIX + unsorted + ":");
        row.put("answer", sorted(unsorted));
        row.put("items", unsorted);
        return row;
    }

    private static String sorted(String s) {
        char[] c = s.toCharArray();
        Arrays.sort(c);
        return new String(c);
    }

    @Override
    String splitKey(Map<String, Object> row) {
        return sorted((String) row.get("items"));
    }

    @Override
    public RewardFunction verifier() {
        return RewardFunction.of("sort_correct", (p, c, row) -> c.strip().equals(Tasks.field(row, "answer", name())) ? 1.0 : 0.0);
    }

    /** 1 when the completion has as many characters as the list, all of them symbols. */
    @Override
    public RewardFunction format() {
        return RewardFunction.of("sort_format", (p, c, row) -> {
            String s = c.strip();
            boolean ok = s.length() == Tasks.field(row, "items", name()).length()
                    && s.chars().allMatch(ch -> symbols.indexOf(ch) >= 0);
            return ok ? 1.0 : 0.0;
        });
    }

    @Override
    public int maxCompletionLength() {
        return maxLength + 1;
    }

    @Override
    public int maxPromptLength() {
        return PREFIX.length() + maxLength + 1;
    }
}
