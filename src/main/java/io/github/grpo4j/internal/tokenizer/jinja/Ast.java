package io.github.grpo4j.internal.tokenizer.jinja;

import java.util.List;

/** The parsed template: statements ({@link Node}) and expressions ({@link Expr}), each with its line. */
final class Ast {
    private Ast() {
    }

    interface Node {
        int line();
    }

    interface Expr {
        int line();
    }

    // ---- statements ----
    record Text(String text, int line) implements Node { }

    record Output(Expr expr, int line) implements Node { }

    record Branch(Expr test, List<Node> body) { }

    record If(List<Branch> branches, List<Node> orElse, int line) implements Node { }

    record For(List<String> targets, Expr iter, Expr filter, List<Node> body, List<Node> orElse, int line)
            implements Node { }

    /** {@code set a = x} or {@code set a, b = x}. */
    record Set(List<String> targets, Expr value, int line) implements Node { }

    /** {@code set ns.attr = x}. */
    record SetAttr(String object, String attr, Expr value, int line) implements Node { }

    /** {@code set x %}...{% endset %}}. */
    record SetBlock(String target, List<Node> body, int line) implements Node { }

    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body, int line) implements Node { }

    record Break(int line) implements Node { }

    record Continue(int line) implements Node { }

    /** transformers' {@code {% generation %}} tag (marks assistant tokens): renders its body. */
    record Generation(List<Node> body, int line) implements Node { }

    // ---- expressions ----
    record Literal(Object value, int line) implements Expr { }

    record Name(String name, int line) implements Expr { }

    record ListLit(List<Expr> items, int line) implements Expr { }

    record TupleLit(List<Expr> items, int line) implements Expr { }

    record DictLit(List<Expr> keys, List<Expr> values, int line) implements Expr { }

    record GetAttr(Expr object, String name, int line) implements Expr { }

    record GetItem(Expr object, Expr key, int line) implements Expr { }

    record Slice(Expr object, Expr start, Expr stop, Expr step, int line) implements Expr { }

    record Call(Expr fn, List<Expr> args, List<String> kwNames, List<Expr> kwValues, int line) implements Expr { }

    record Filter(Expr value, String name, List<Expr> args, List<String> kwNames, List<Expr> kwValues, int line)
            implements Expr { }

    record Test(Expr value, String name, List<Expr> args, boolean negated, int line) implements Expr { }

    /** Arithmetic and {@code ~}: op is one of + - * / // % ** ~. */
    record Binary(String op, Expr left, Expr right, int line) implements Expr { }

    record Unary(String op, Expr operand, int line) implements Expr { }

    record And(Expr left, Expr right, int line) implements Expr { }

    record Or(Expr left, Expr right, int line) implements Expr { }

    record Not(Expr operand, int line) implements Expr { }

    /** Chained comparison {@code a < b <= c}: ops are == != < > <= >= in notin. */
    record Compare(Expr first, List<String> ops, List<Expr> rest, int line) implements Expr { }

    /** {@code then if test else orElse}; orElse may be null (then the result is undefined). */
    record CondExpr(Expr test, Expr then, Expr orElse, int line) implements Expr { }
}
