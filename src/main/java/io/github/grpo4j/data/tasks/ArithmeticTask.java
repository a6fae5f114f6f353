package io.github.grpo4j.data.tasks;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.reward.Params;
import io.github.grpo4j.reward.RewardFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * {@code arithmetic}: prompt {@code 37+58=}, answer {@code 95}.
 *
 * <p>Operands are uniform in [0, 10^digits − 1]; answers can be negative with {@code -}. Parameters:
 * {@code digits} (1..9, default 2), {@code operators} (a subset of {@code +-*}, default {@code +-}),
 * {@code held_out_fraction} (default 0.1). Row fields: {@code prompt}, {@code answer} (a string),
 * {@code a}, {@code b} (ints), {@code op} (a one-character string). Split key: the prompt.
 */
public final class ArithmeticTask extends SyntheticTask {
    static final List<String> PARAMS = List.of("digits", "operators", "held_out_fraction");
    private static final Pattern INTEGER = Pattern.compile("-?\\d+");

    private final int digits;
    private final String operators;

    /**
     * @param digits          digits per operand, 1..9
     * @param operators       non-empty subset of {@code +-*}
     * @param heldOutFraction share of problems held out, in [0, 1)
     */
    public ArithmeticTask(int digits, String operators, double heldOutFraction) {
        super(heldOutFraction);
        if (digits < 1 || digits > 9) {
            throw new Grpo4jException("task arithmetic: digits must be in 1..9, got " + digits);
        }
        if (operators == null || operators.isEmpty() || !operators.chars().allMatch(c -> "+-*".indexOf(c) >= 0)) {
            throw new Grpo4jException("task arithmetic: operators must be a non-empty subset of '+-*', got '" + operators + "'");
        }
        this.digits = digits;
        this.operators = SyntheticTask.alphabetOf(operators);
    }

    static ArithmeticTask create(Params p) {
        return new ArithmeticTask(p.integer("digits", 2), p.string("operators", "+-"), p.number("held_out_fraction", 0.1));
    }

    @Override
    public String name() {
        return "arithmetic";
    }

    @Override
    String describe() {
        return "arithmetic(digits=" + digits + ", operators=" + operators + ")";
    }

    @Override
    public String alphabet() {
        return alphabetOf("0123456789=", operators);
    }

    @Override
    Map<String, Object> sample(Random rng) {
        int bound = (int) Math.pow(10, digits);
        int a = rng.nextInt(bound);
        int b = rng.nextInt(bound);
        char op = operators.charAt(rng.nextInt(operators.length()));
        long r = switch (op) {
            case '+' -> (long) a + b;
            case '-' -> (long) a - b;
            default -> (long) a * b;
        };
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("prompt", a + "" + op + b + "=");
        row.put("answer", Long.toString(r));
        row.put("a", a);
        row.put("b", b);
        row.put("op", String.valueOf(op));
        return row;
    }

    @Override
    String splitKey(Map<String, Object> row) {
        return (String) row.get("prompt");
    }

    @Override
    public RewardFunction verifier() {
        return RewardFunction.of("arithmetic_correct", (p, c, row) -> c.strip().equals(Tasks.field(row, "answer", name())) ? 1.0 : 0.0);
    }

    @Override
    public RewardFunction format() {
        return RewardFunction.of("arithmetic_format", (p, c, row) -> INTEGER.matcher(c.strip()).matches() ? 1.0 : 0.0);
    }

    @Override
    public int maxCompletionLength() {
        int longest = operators.indexOf('*') >= 0 ? 2 * digits : digits + 1; // a*b or a+b carry / -b
        return longest + 1;
    }

    @Override
    public int maxPromptLength() {
        return 2 * digits + 2;
    }
}
