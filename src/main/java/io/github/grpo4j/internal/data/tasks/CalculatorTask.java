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
 * {@code calculator}: multi-digit multiplication that a tiny model cannot do alone but can with the
 * {@code calculator} tool. Prompt {@code 123*456=}; the correct episode calls the tool in the Hermes
 * format, reads the result and repeats it:
 * <pre>
 * &lt;tool_call&gt;{"name":"calculator","arguments":{"expression":"123*456"}}&lt;/tool_call&gt;&lt;tool_response&gt;56088&lt;/tool_response&gt;56088
 * </pre>
 * (the {@code <tool_response>} part is the tool's result, appended by the run, not written by the model).
 *
 * <p>Row fields: {@code prompt}, {@code result} (the product, unpadded), {@code a}, {@code b}, and
 * {@code answer}, the warm start's target: with probability {@code tool_fraction} the tool episode
 * above, otherwise the bare product (which a tiny model cannot learn to compute, so it learns to guess).
 * So the warm start teaches the call format on some problems only, and leaves the choice to call the
 * tool for GRPO to learn. The verifier reads the final answer, the text after the last
 * {@code </tool_response>} (the whole completion when there is none), and compares it with
 * {@code result}; the format reward is 1 when that answer is a number. Parameters: {@code digits}
 * (2..6, default 3), {@code tool_fraction} (0..1, default 0.3), {@code held_out_fraction} (0.1). Split
 * key: the prompt.
 */
public final class CalculatorTask extends SyntheticTask {
    static final List<String> PARAMS = List.of("digits", "tool_fraction", "held_out_fraction");
    private static final String CALL_OPEN = "<tool_call>{\"name\":\"calculator\",\"arguments\":{\"expression\":\"";
    private static final String CALL_CLOSE = "\"}}</tool_call>";
    private static final String RESULT_OPEN = "<tool_response>";
    private static final String RESULT_CLOSE = "</tool_response>";
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");

    private final int digits;
    private final double toolFraction;

    /**
     * @param digits          digits per operand, 2..6
     * @param toolFraction    share of warm-start answers that call the tool, in [0, 1]
     * @param heldOutFraction share of problems held out, in [0, 1)
     */
    public CalculatorTask(int digits, double toolFraction, double heldOutFraction) {
        super(heldOutFraction);
        if (digits < 2 || digits > 6) {
            throw new Grpo4jException("task calculator: digits must be in 2..6, got " + digits);
        }
        if (!(toolFraction >= 0 && toolFraction <= 1)) {
            throw new Grpo4jException("task calculator: tool_fraction must be in [0, 1], got " + toolFraction);
        }
        this.digits = digits;
        this.toolFraction = toolFraction;
    }

    static CalculatorTask create(Params p) {
        return new CalculatorTask(p.integer("digits", 3), p.number("tool_fraction", 0.3),
                p.number("held_out_fraction", 0.1));
    }

    @Override
    public String name() {
        return "calculator";
    }

    @Override
    String describe() {
        return "calculator(digits=" + digits + ", tool_fraction=" + toolFraction + ")";
    }

    @Override
    public String alphabet() {
        return alphabetOf("0123456789*=-", CALL_OPEN, CALL_CLOSE, RESULT_OPEN, RESULT_CLOSE);
    }

    @Override
    Map<String, Object> sample(Random rng) {
        int low = (int) Math.pow(10, digits - 1);
        int a = low + rng.nextInt(9 * low);
        int b = low + rng.nextInt(9 * low);
        String expression = a + "*" + b;
        String result = Long.toString((long) a * b);
        boolean tool = rng.nextDouble() < toolFraction;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("prompt", expression + "=");
        row.put("answer", tool ? toolEpisode(expression, result) : result);
        row.put("result", result);
        row.put("a", a);
        row.put("b", b);
        return row;
    }

    /** The episode that calls the tool for {@code expression} and repeats its {@code result}. */
    public static String toolEpisode(String expression, String result) {
        return CALL_OPEN + expression + CALL_CLOSE + RESULT_OPEN + result + RESULT_CLOSE + result;
    }

    @Override
    String splitKey(Map<String, Object> row) {
        return (String) row.get("prompt");
    }

    /** The final answer of a completion: the text after its last tool result, stripped. */
    static String finalAnswer(String completion) {
        int at = completion.lastIndexOf(RESULT_CLOSE);
        return (at < 0 ? completion : completion.substring(at + RESULT_CLOSE.length())).strip();
    }

    @Override
    public RewardFunction verifier() {
        return RewardFunction.of("calculator_correct",
                (p, c, row) -> finalAnswer(c).equals(Tasks.field(row, "result", name())) ? 1.0 : 0.0);
    }

    @Override
    public RewardFunction format() {
        return RewardFunction.of("calculator_format",
                (p, c, row) -> NUMBER.matcher(finalAnswer(c)).matches() ? 1.0 : 0.0);
    }

    @Override
    public int maxCompletionLength() {
        // the whole episode: call, tool result, answer, EOS
        return toolEpisode("9".repeat(digits) + "*" + "9".repeat(digits), "9".repeat(2 * digits)).length() + 1;
    }

    @Override
    public int maxPromptLength() {
        return 2 * digits + 2;
    }
}
