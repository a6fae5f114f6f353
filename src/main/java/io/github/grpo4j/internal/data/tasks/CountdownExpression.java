package io.github.grpo4j.internal.data.tasks;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses and evaluates a countdown answer such as {@code (25+50)-7*3} exactly.
 *
 * <pre>
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := number | '(' expr ')'
 *   number := digit+   (at most 9 digits)
 * </pre>
 * Spaces are ignored; nothing else is allowed (no unary minus, no decimals), as in the countdown game
 * where only the given numbers may appear. Evaluation uses exact {@link Rational}s, so intermediate
 * fractions are allowed ({@code 7/2*2} = 7); division by zero or overflow leaves the value undefined but
 * the expression is still well-formed.
 */
public final class CountdownExpression {
    private final String s;
    private int pos;
    private final List<Integer> numbers = new ArrayList<>();
    private boolean undefined;

    /**
     * The result of parsing.
     *
     * @param value   the exact value, or null when the expression divides by zero or overflows
     * @param numbers the numbers written in the expression, in order
     */
    public record Parsed(Rational value, List<Integer> numbers) {}

    private CountdownExpression(String s) {
        this.s = s;
    }

    /**
     * Parses and evaluates.
     *
     * @throws IllegalArgumentException when the text is not a well-formed expression (says where)
     */
    public static Parsed parse(String text) {
        CountdownExpression p = new CountdownExpression(text);
        Rational v = p.expr();
        p.skipSpaces();
        if (p.pos != text.length()) {
            throw p.error("unexpected '" + text.charAt(p.pos) + "'");
        }
        return new Parsed(p.undefined ? null : v, List.copyOf(p.numbers));
    }

    /** Parses, returning null instead of throwing when malformed. */
    public static Parsed tryParse(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Rational expr() {
        Rational v = term();
        while (true) {
            char c = peek();
            if (c != '+' && c != '-') {
                return v;
            }
            pos++;
            Rational r = term();
            v = apply(c, v, r);
        }
    }

    private Rational term() {
        Rational v = factor();
        while (true) {
            char c = peek();
            if (c != '*' && c != '/') {
                return v;
            }
            pos++;
            Rational r = factor();
            v = apply(c, v, r);
        }
    }

    private Rational factor() {
        char c = peek();
        if (c == '(') {
            pos++;
            Rational v = expr();
            if (peek() != ')') {
                throw error("missing ')'");
            }
            pos++;
            return v;
        }
        if (c >= '0' && c <= '9') {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos - start > 9) {
                throw error("number too long");
            }
            int n = Integer.parseInt(s.substring(start, pos));
            numbers.add(n);
            return Rational.of(n);
        }
        throw error(c == 0 ? "expression ends early" : "unexpected '" + c + "'");
    }

    /** Applies an operator; null operands (undefined) stay undefined. */
    private Rational apply(char op, Rational a, Rational b) {
        if (a == null || b == null) {
            return null;
        }
        try {
            return switch (op) {
                case '+' -> a.add(b);
                case '-' -> a.subtract(b);
                case '*' -> a.multiply(b);
                default -> b.num() == 0 ? undefined() : a.divide(b);
            };
        } catch (ArithmeticException overflow) {
            return undefined();
        }
    }

    private Rational undefined() {
        undefined = true;
        return null;
    }

    private char peek() {
        skipSpaces();
        return pos < s.length() ? s.charAt(pos) : 0;
    }

    private void skipSpaces() {
        while (pos < s.length() && s.charAt(pos) == ' ') {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at position " + pos + " in '" + s + "'");
    }
}
