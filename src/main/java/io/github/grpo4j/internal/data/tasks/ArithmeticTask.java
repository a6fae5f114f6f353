package io.github.grpo4j.internal.data.tasks;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.reward.Params;
import io.github.grpo4j.reward.RewardFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

/**
 * {@code arithmetic}: prompt {@code 07+35=}, answer {@code 042} (padded, the default) or prompt
 * {@code 7+35=}, answer {@code 42} ({@code pad: false}).
 *
 * <p>Operands are uniform in [0, 10^digits − 1]; answers can be negative with {@code -}. With
 * {@code pad} (default true) operands are zero-padded to {@code digits} and answers to the widest
 * possible magnitude (digits + 1 with {@code +}, 2·digits with {@code *}, else digits), a minus sign in
 * front when negative ({@code -028}): fixed widths make the task much easier for a tiny character
 * model, and the defaults (2 digits, {@code +}, padded) are the task of the built-in run's
 * calibration (docs/efficacy.md). Parameters: {@code digits} (1..9, default 2), {@code operators} (a subset of
 * {@code +-*}, default {@code +}), {@code pad}, {@code held_out_fraction} (default 0.1). Row fields:
 * {@code prompt}, {@code answer} (a string), {@code a}, {@code b} (ints), {@code op} (a one-character
 * string). Split key: the prompt. The verifier compares the stripped completion with the answer
 * string exactly (so {@code 42} is wrong where {@code 042} is expected).
 */
public final class ArithmeticTask extends SyntheticTask {
    static final List<String> PARAMS = List.of("digits", "operators", "pad", "held_out_fraction");

    private final int digits;
    private final String operators;
    private final boolean pad;
    private final int answerWidth; // digits of the largest answer magnitude
    private final Pattern answerShape;

    /** Padded, as {@link #ArithmeticTask(int, String, boolean, double)} with {@code pad = true}. */
    public ArithmeticTask(int digits, String operators, double heldOutFraction) {
        this(digits, operators, true, heldOutFraction);
    }

    /**
     * @param digits          digits per operand, 1..9
     * @param operators       non-empty subset of {@code +-*}
     * @param pad             zero-pad operands and answers to fixed widths
     * @param heldOutFraction share of problems held out, in [0, 1)
     */
    public ArithmeticTask(int digits, String operators, boolean pad, double heldOutFraction) {
        super(heldOutFraction);
        if (digits < 1 || digits > 9) {
            throw new Grpo4jException("task arithmetic: digits must be in 1..9, got " + digits);
        }
        if (operators == null || operators.isEmpty() || !operators.chars().allMatch(c -> "+-*".indexOf(c) >= 0)) {
            throw new Grpo4jException("task arithmetic: operators must be a non-empty subset of '+-*', got '" + operators + "'");
        }
        this.digits = digits;
        this.operators = SyntheticTask.alphabetOf(operators);
        this.pad = pad;
        this.answerWidth = this.operators.indexOf('*') >= 0 ? 2 * digits : this.operators.indexOf('+') >= 0 ? digits + 1 : digits;
        this.answerShape = Pattern.compile(pad ? "-?\\d{" + answerWidth + "}" : "-?\\d+");
    }

    static ArithmeticTask create(Params p) {
        return new ArithmeticTask(p.integer("digits", 2), p.string("operators", "+"), p.bool("pad", true),
                p.number("held_out_fraction", 0.1));
    }

    @Override
    public String name() {
        return "arithmetic";
    }

    @Override
    String describe() {
        return "arithmetic(digits=" + digits + ", operators=" + operators + ", pad=" + pad + ")";
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
        row.put("prompt", number(a, digits) + op + number(b, digits) + "=");
        row.put("answer", (r < 0 ? "-" : "") + number(Math.abs(r), answerWidth));
        row.put("a", a);
        row.put("b", b);
        row.put("op", String.valueOf(op));
        return row;
    }

    private String number(long n, int width) {
        String s = Long.toString(n);
        return pad && s.length() < width ? "0".repeat(width - s.length()) + s : s;
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
        return RewardFunction.of("arithmetic_format", (p, c, row) -> answerShape.matcher(c.strip()).matches() ? 1.0 : 0.0);
    }

    @Override
    public int maxCompletionLength() {
        return (operators.indexOf('-') >= 0 ? 1 : 0) + answerWidth + 1; // sign, digits, EOS
    }

    @Override
    public int maxPromptLength() {
        return 2 * digits + 2;
    }
}
