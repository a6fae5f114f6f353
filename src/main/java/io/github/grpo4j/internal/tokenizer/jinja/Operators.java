package io.github.grpo4j.internal.tokenizer.jinja;

import static io.github.grpo4j.internal.tokenizer.jinja.Values.error;

import java.util.ArrayList;
import java.util.List;

/** Python arithmetic on template values: + - * / // % ** and jinja2's string concatenation ~. */
final class Operators {
    private Operators() {
    }

    static Object binary(String op, Object a, Object b) {
        if (op.equals("~")) {
            return Values.str(a) + Values.str(b);
        }
        Values.checkDefined(a);
        Values.checkDefined(b);
        if (Values.isNumber(a) && Values.isNumber(b)) {
            return numeric(op, a, b);
        }
        switch (op) {
            case "+" -> {
                if (a instanceof String sa && b instanceof String sb) {
                    return sa + sb;
                }
                if (a instanceof List<?> la && b instanceof List<?> lb && (a instanceof PyTuple) == (b instanceof PyTuple)) {
                    List<Object> out = new ArrayList<>(la);
                    out.addAll(lb);
                    return a instanceof PyTuple ? new PyTuple(out) : out;
                }
                if (a instanceof String) {
                    throw error("can only concatenate str (not \"" + Values.typeName(b) + "\") to str");
                }
            }
            case "*" -> {
                if ((a instanceof String || a instanceof List) && (b instanceof Long || b instanceof Boolean)) {
                    return repeat(a, Values.asLong(b, ""));
                }
                if ((b instanceof String || b instanceof List) && (a instanceof Long || a instanceof Boolean)) {
                    return repeat(b, Values.asLong(a, ""));
                }
            }
            case "%" -> {
                if (a instanceof String) {
                    throw error("printf-style string formatting ('...' % x) is not supported; use ~ or format");
                }
            }
            default -> {
            }
        }
        throw error("unsupported operand type(s) for " + op + ": '" + Values.typeName(a) + "' and '"
                + Values.typeName(b) + "'");
    }

    private static Object repeat(Object seq, long n) {
        if (seq instanceof String s) {
            return n <= 0 ? "" : s.repeat((int) n);
        }
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.addAll((List<?>) seq);
        }
        return out;
    }

    private static Object numeric(String op, Object a, Object b) {
        boolean floats = a instanceof Double || b instanceof Double;
        if (op.equals("/")) {
            double d = Values.asDouble(b);
            if (d == 0) {
                throw error("division by zero");
            }
            return Values.asDouble(a) / d;
        }
        if (floats) {
            double x = Values.asDouble(a);
            double y = Values.asDouble(b);
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                case "*" -> x * y;
                case "//" -> {
                    if (y == 0) {
                        throw error("float floor division by zero");
                    }
                    yield Math.floor(x / y);
                }
                case "%" -> {
                    if (y == 0) {
                        throw error("float modulo");
                    }
                    double r = x % y;
                    yield (r != 0 && (r < 0) != (y < 0)) ? r + y : r;
                }
                case "**" -> Math.pow(x, y);
                default -> throw error("unknown operator " + op);
            };
        }
        long x = Values.asLong(a, "");
        long y = Values.asLong(b, "");
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            case "*" -> x * y;
            case "//" -> {
                if (y == 0) {
                    throw error("integer division or modulo by zero");
                }
                yield Math.floorDiv(x, y);
            }
            case "%" -> {
                if (y == 0) {
                    throw error("integer division or modulo by zero");
                }
                yield Math.floorMod(x, y);
            }
            case "**" -> y >= 0 ? (Object) pow(x, y) : (Object) Math.pow(x, y);
            default -> throw error("unknown operator " + op);
        };
    }

    private static long pow(long base, long exp) {
        long r = 1;
        for (long i = 0; i < exp; i++) {
            r = Math.multiplyExact(r, base);
        }
        return r;
    }

    static Object negate(Object v) {
        Values.checkDefined(v);
        if (v instanceof Double d) {
            return -d;
        }
        if (v instanceof Long || v instanceof Boolean) {
            return -Values.asLong(v, "");
        }
        throw error("bad operand type for unary -: '" + Values.typeName(v) + "'");
    }
}
