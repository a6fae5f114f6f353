package io.github.grpo4j.internal.data.tasks;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.reward.Params;
import io.github.grpo4j.internal.reward.RewardConfigException;
import io.github.grpo4j.reward.RewardFunction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;

/**
 * {@code countdown} (the TinyZero task): reach a target with given numbers and + − × ÷, each number used
 * exactly once. Prompt {@code nums 3 7 25 target 71:}, answer an expression such as {@code 25*3-7+3}.
 *
 * <p>Every generated problem is solvable: the generator combines the drawn numbers in a random
 * expression tree whose intermediate values are positive integers and takes its value (in
 * [1, max_target]) as the target; that expression is the row's {@code answer}. The verifier accepts any
 * expression that uses each given number exactly once (as a multiset) and whose exact rational value
 * equals the target; fractional intermediate values are allowed (TinyZero evaluates in floating point;
 * we are exact), division by zero scores 0. Answers are written without {@code =target}.
 *
 * <p>Parameters: {@code numbers} (how many, 2..6, default 3), {@code max_number} (numbers drawn from
 * 1..max_number, default 20), {@code max_target} (default 100), {@code held_out_fraction} (default 0.1).
 * Row fields: {@code prompt}, {@code answer}, {@code nums} (list of ints, prompt order), {@code target}
 * (int). Split key: the sorted numbers and the target.
 */
public final class CountdownTask extends SyntheticTask {
    static final List<String> PARAMS = List.of("numbers", "max_number", "max_target", "held_out_fraction");
    private static final String OPS = "+-*/";

    private final int count;
    private final int maxNumber;
    private final int maxTarget;

    /**
     * @param count           how many numbers per problem, 2..6
     * @param maxNumber       numbers are drawn from 1..maxNumber (1..9999)
     * @param maxTarget       targets are in 1..maxTarget
     * @param heldOutFraction share of problems held out, in [0, 1)
     */
    public CountdownTask(int count, int maxNumber, int maxTarget, double heldOutFraction) {
        super(heldOutFraction);
        if (count < 2 || count > 6) {
            throw new Grpo4jException("task countdown: numbers must be in 2..6, got " + count);
        }
        if (maxNumber < 1 || maxNumber > 9999) {
            throw new Grpo4jException("task countdown: max_number must be in 1..9999, got " + maxNumber);
        }
        if (maxTarget < 1 || maxTarget > 1_000_000) {
            throw new Grpo4jException("task countdown: max_target must be in 1..1000000, got " + maxTarget);
        }
        this.count = count;
        this.maxNumber = maxNumber;
        this.maxTarget = maxTarget;
    }

    static CountdownTask create(Params p) {
        return new CountdownTask(p.integer("numbers", 3), p.integer("max_number", 20), p.integer("max_target", 100),
                p.number("held_out_fraction", 0.1));
    }

    @Override
    public String name() {
        return "countdown";
    }

    @Override
    String describe() {
        return "countdown(numbers=" + count + ", max_number=" + maxNumber + ", max_target=" + maxTarget + ")";
    }

    @Override
    public String alphabet() {
        return alphabetOf("nums target:", "0123456789", OPS, "()");
    }

    /** A sub-expression under construction: value, text, precedence (3 atom, 2 * /, 1 + -). */
    private record Node(long value, String text, int prec) {}

    @Override
    Map<String, Object> sample(Random rng) {
        while (true) {
            List<Integer> nums = new ArrayList<>();
            List<Node> nodes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = 1 + rng.nextInt(maxNumber);
                nums.add(n);
                nodes.add(new Node(n, Integer.toString(n), 3));
            }
            Node root = combine(nodes, rng);
            if (root != null && root.value >= 1 && root.value <= maxTarget) {
                Map<String, Object> row = new LinkedHashMap<>();
                StringJoiner prompt = new StringJoiner(" ", "nums ", " target " + root.value + ":");
                nums.forEach(n -> prompt.add(Integer.toString(n)));
                row.put("prompt", prompt.toString());
                row.put("answer", root.text);
                row.put("nums", List.copyOf(nums));
                row.put("target", (int) root.value);
                return row;
            }
        }
    }

    /** Joins random pairs with random operators keeping positive integer values; null when stuck. */
    private static Node combine(List<Node> nodes, Random rng) {
        List<Node> pool = new ArrayList<>(nodes);
        while (pool.size() > 1) {
            Node joined = null;
            for (int attempt = 0; attempt < 20 && joined == null; attempt++) {
                int i = rng.nextInt(pool.size());
                int j = rng.nextInt(pool.size() - 1);
                if (j >= i) {
                    j++;
                }
                joined = join(pool.get(i), OPS.charAt(rng.nextInt(4)), pool.get(j));
                if (joined != null) {
                    Node a = pool.get(i);
                    Node b = pool.get(j);
                    pool.remove(a);
                    pool.remove(b);
                    pool.add(joined);
                }
            }
            if (joined == null) {
                return null;
            }
        }
        return pool.get(0);
    }

    private static Node join(Node a, char op, Node b) {
        long v;
        switch (op) {
            case '+' -> v = a.value + b.value;
            case '-' -> v = a.value - b.value;
            case '*' -> v = a.value * b.value;
            default -> v = b.value != 0 && a.value % b.value == 0 ? a.value / b.value : -1;
        }
        if (v < 1 || v > 10_000_000) {
            return null;
        }
        int prec = op == '+' || op == '-' ? 1 : 2;
        String left = a.prec < prec ? "(" + a.text + ")" : a.text;
        boolean rightParens = b.prec < prec || (b.prec == prec && (op == '-' || op == '/'));
        String right = rightParens ? "(" + b.text + ")" : b.text;
        return new Node(v, left + op + right, prec);
    }

    @Override
    String splitKey(Map<String, Object> row) {
        List<Integer> nums = new ArrayList<>(ints(row.get("nums")));
        Collections.sort(nums);
        return nums + ">" + row.get("target");
    }

    @Override
    public RewardFunction verifier() {
        return RewardFunction.of("countdown_correct", (p, c, row) -> isCorrect(c, row) ? 1.0 : 0.0);
    }

    /** Whether {@code completion} uses each of the row's {@code nums} once and equals its {@code target}. */
    public static boolean isCorrect(String completion, Map<String, Object> row) {
        if (!row.containsKey("nums") || !row.containsKey("target")) {
            throw new RewardConfigException("reward 'countdown_correct': the row needs fields 'nums' and 'target', it has "
                    + row.keySet());
        }
        CountdownExpression.Parsed parsed = CountdownExpression.tryParse(completion.strip());
        if (parsed == null || parsed.value() == null) {
            return false;
        }
        List<Integer> used = new ArrayList<>(parsed.numbers());
        List<Integer> given = new ArrayList<>(ints(row.get("nums")));
        Collections.sort(used);
        Collections.sort(given);
        long target = ((Number) row.get("target")).longValue();
        return used.equals(given) && parsed.value().equals(Rational.of(target));
    }

    /** 1 when the completion is a well-formed expression (any numbers, any value). */
    @Override
    public RewardFunction format() {
        return RewardFunction.of("countdown_format", (p, c, row) -> {
            String s = c.strip();
            return !s.isEmpty() && CountdownExpression.tryParse(s) != null ? 1.0 : 0.0;
        });
    }

    private static List<Integer> ints(Object v) {
        if (!(v instanceof List<?> l)) {
            throw new RewardConfigException("task countdown: row field 'nums' must be a list of integers, got " + v);
        }
        List<Integer> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Number n)) {
                throw new RewardConfigException("task countdown: row field 'nums' must be a list of integers, got " + v);
            }
            out.add(n.intValue());
        }
        return out;
    }

    @Override
    public int maxCompletionLength() {
        int d = Integer.toString(maxNumber).length();
        return count * d + (count - 1) + 2 * (count - 1) + 1; // numbers, operators, parentheses, EOS
    }

    @Override
    public int maxPromptLength() {
        int d = Integer.toString(maxNumber).length();
        return "nums ".length() + count * (d + 1) + "target ".length() + Integer.toString(maxTarget).length() + 1;
    }
}
