package io.github.grpo4j.internal.tools;

import io.github.grpo4j.internal.data.tasks.Rational;
import io.github.grpo4j.tools.Tool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code calculator}: exact rational arithmetic on an expression string. {@code 1234*5678} gives
 * {@code 7006652}, {@code 7/2} gives {@code 7/2}, {@code 0.1+0.2} gives {@code 3/10}.
 *
 * <pre>
 *   expr   := term (('+' | '-') term)*
 *   term   := unary (('*' | '/') unary)*
 *   unary  := '-' unary | factor
 *   factor := number | '(' expr ')'
 *   number := digits ['.' digits]
 * </pre>
 * Spaces are ignored. Division by zero, overflow of 64-bit numerators and a malformed expression are
 * errors (thrown, so the call counts as failed and the model sees the message).
 */
public final class Calculator implements Tool {
    /** The default name. */
    public static final String NAME = "calculator";

    private final String name;

    /** A calculator called {@value #NAME}. */
    public Calculator() {
        this(NAME);
    }

    /** A calculator under another name. */
    public Calculator(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "Evaluates an arithmetic expression exactly (+, -, *, /, parentheses) and returns the result "
                + "as an integer or a fraction.";
    }

    @Override
    public Map<String, Object> parameters() {
        // ordered maps: the chat template writes the schema into the prompt in this order, every run alike
        Map<String, Object> expression = new LinkedHashMap<>();
        expression.put("type", "string");
        expression.put("description", "the expression, e.g. 1234*5678");
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("expression", expression));
        schema.put("required", List.of("expression"));
        return schema;
    }

    @Override
    public String call(Map<String, Object> arguments) {
        Object e = arguments.get("expression");
        if (!(e instanceof String s)) {
            throw new IllegalArgumentException("argument 'expression' must be a string, got "
                    + (e == null ? "nothing" : e.getClass().getSimpleName()));
        }
        return evaluate(s).toString();
    }

    /**
     * The exact value of {@code expression}.
     *
     * @throws IllegalArgumentException when it is malformed, divides by zero or overflows
     */
    public static Rational evaluate(String expression) {
        Parser p = new Parser(expression);
        try {
            Rational v = p.expr();
            p.skipSpaces();
            if (p.pos != expression.length()) {
                throw p.error("unexpected '" + expression.charAt(p.pos) + "'");
            }
            return v;
        } catch (ArithmeticException ex) {
            throw new IllegalArgumentException(ex.getMessage().startsWith("division")
                    ? "division by zero" : "number too large (overflow)");
        }
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        Rational expr() {
            Rational v = term();
            for (char c = peek(); c == '+' || c == '-'; c = peek()) {
                pos++;
                Rational r = term();
                v = c == '+' ? v.add(r) : v.subtract(r);
            }
            return v;
        }

        Rational term() {
            Rational v = unary();
            for (char c = peek(); c == '*' || c == '/'; c = peek()) {
                pos++;
                Rational r = unary();
                v = c == '*' ? v.multiply(r) : v.divide(r);
            }
            return v;
        }

        Rational unary() {
            if (peek() == '-') {
                pos++;
                return Rational.of(0).subtract(unary());
            }
            return factor();
        }

        Rational factor() {
            char c = peek();
            if (c == '(') {
                pos++;
                Rational v = expr();
                if (peek() != ')') {
                    throw error("expected ')'");
                }
                pos++;
                return v;
            }
            if (!Character.isDigit(c)) {
                throw error(c == 0 ? "expected a number, found the end" : "expected a number, found '" + c + "'");
            }
            long num = 0;
            long den = 1;
            boolean point = false;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.' && !point)) {
                char d = s.charAt(pos++);
                if (d == '.') {
                    point = true;
                    continue;
                }
                num = Math.addExact(Math.multiplyExact(num, 10), d - '0');
                if (point) {
                    den = Math.multiplyExact(den, 10);
                }
            }
            return new Rational(num, den);
        }

        char peek() {
            skipSpaces();
            return pos < s.length() ? s.charAt(pos) : 0;
        }

        void skipSpaces() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("malformed expression '" + s + "' at character " + (pos + 1) + ": " + what);
        }
    }
}
