package io.github.grpo4j.internal.tokenizer.jinja;

import io.github.grpo4j.internal.tokenizer.jinja.Ast.Expr;
import io.github.grpo4j.internal.tokenizer.jinja.Ast.Node;
import io.github.grpo4j.internal.tokenizer.jinja.Lexer.Token;
import io.github.grpo4j.internal.tokenizer.jinja.Lexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser over {@link Lexer} tokens, with jinja2's grammar and operator precedence
 * (jinja2/parser.py): condexpr &lt; or &lt; and &lt; not &lt; compare &lt; + - &lt; ~ &lt; * / // % &lt; ** &lt;
 * unary &lt; postfix (. [] ()) then filters and tests.
 */
final class Parser {

    private static final Set<String> CLOSERS =
            Set.of("elif", "else", "endif", "endfor", "endset", "endmacro", "endgeneration");
    private static final Set<String> TEST_ARG_START = Set.of("(", "[", "{");

    private final List<Token> tokens;
    private final String templateName;
    private int pos;

    private Parser(List<Token> tokens, String templateName) {
        this.tokens = tokens;
        this.templateName = templateName;
    }

    static List<Node> parse(String source, String templateName) {
        Parser p = new Parser(Lexer.tokenize(source, templateName), templateName);
        List<Node> body = p.parseBody(Set.of());
        return body;
    }

    // ---------------------------------------------------------------- token helpers

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
    }

    private Token next() {
        return tokens.get(pos++);
    }

    private JinjaException error(Token at, String message) {
        return new JinjaException(templateName, at.line(), message);
    }

    private Token expect(Type type, String value, String what) {
        Token t = peek();
        if (t.type() != type || (value != null && !t.value().equals(value))) {
            throw error(t, "expected " + what + " but found " + t);
        }
        return next();
    }

    private Token expectOp(String op) {
        return expect(Type.OP, op, "'" + op + "'");
    }

    private String expectName(String what) {
        return expect(Type.NAME, null, what).value();
    }

    private boolean skipOp(String op) {
        if (peek().isOp(op)) {
            pos++;
            return true;
        }
        return false;
    }

    private boolean skipName(String name) {
        if (peek().isName(name)) {
            pos++;
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- statements

    /**
     * Parses nodes until a block tag whose name is in {@code endTags} (left unconsumed: the parser is
     * then positioned on that tag's name) or the end of the template.
     */
    private List<Node> parseBody(Set<String> endTags) {
        List<Node> body = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.type()) {
                case EOF -> {
                    if (!endTags.isEmpty()) {
                        throw error(t, "unexpected end of template: expected one of " + String.join(", ", new java.util.TreeSet<>(endTags)));
                    }
                    return body;
                }
                case TEXT -> body.add(new Ast.Text(next().value(), t.line()));
                case VAR_BEGIN -> {
                    next();
                    Expr e = parseTuple(true);
                    expect(Type.VAR_END, null, "'}}'");
                    body.add(new Ast.Output(e, t.line()));
                }
                case BLOCK_BEGIN -> {
                    Token name = peekAt(1);
                    if (name.type() == Type.NAME && endTags.contains(name.value())) {
                        next(); // leave the parser on the end tag's name
                        return body;
                    }
                    next();
                    if (name.type() == Type.NAME && CLOSERS.contains(name.value())) {
                        throw error(name, "unexpected '" + name.value() + "' tag: " + (endTags.isEmpty()
                                ? "no block is open" : "expected one of " + String.join(", ", new java.util.TreeSet<>(endTags))));
                    }
                    body.add(parseStatement());
                }
                default -> throw error(t, "unexpected " + t);
            }
        }
    }

    private Node parseStatement() {
        Token t = peek();
        if (t.type() != Type.NAME) {
            throw error(t, "expected a tag name after '{%' but found " + t);
        }
        String tag = next().value();
        return switch (tag) {
            case "if" -> parseIf(t.line());
            case "for" -> parseFor(t.line());
            case "set" -> parseSet(t.line());
            case "macro" -> parseMacro(t.line());
            case "break" -> {
                endTag();
                yield new Ast.Break(t.line());
            }
            case "continue" -> {
                endTag();
                yield new Ast.Continue(t.line());
            }
            case "generation" -> {
                endTag();
                List<Node> body = parseBody(Set.of("endgeneration"));
                next();
                endTag();
                yield new Ast.Generation(body, t.line());
            }
            default -> throw error(t, "unknown or unsupported tag '" + tag + "' (supported: if, for, set, macro, "
                    + "break, continue, generation)");
        };
    }

    private void endTag() {
        expect(Type.BLOCK_END, null, "'%}'");
    }

    private Node parseIf(int line) {
        List<Ast.Branch> branches = new ArrayList<>();
        Expr test = parseTuple(false);
        endTag();
        while (true) {
            List<Node> body = parseBody(Set.of("elif", "else", "endif"));
            branches.add(new Ast.Branch(test, body));
            String tag = next().value();
            if (tag.equals("elif")) {
                test = parseTuple(false);
                endTag();
            } else if (tag.equals("else")) {
                endTag();
                List<Node> orElse = parseBody(Set.of("endif"));
                next();
                endTag();
                return new Ast.If(branches, orElse, line);
            } else {
                endTag();
                return new Ast.If(branches, List.of(), line);
            }
        }
    }

    private Node parseFor(int line) {
        List<String> targets = new ArrayList<>();
        boolean paren = skipOp("(");
        do {
            targets.add(expectName("a loop variable name"));
        } while (skipOp(","));
        if (paren) {
            expectOp(")");
        }
        expect(Type.NAME, "in", "'in'");
        Expr iter = parseTuple(false);
        Expr filter = null;
        if (skipName("if")) {
            filter = parseTuple(true);
        }
        if (peek().isName("recursive")) {
            throw error(peek(), "recursive for loops are not supported");
        }
        endTag();
        List<Node> body = parseBody(Set.of("else", "endfor"));
        List<Node> orElse = List.of();
        if (next().value().equals("else")) {
            endTag();
            orElse = parseBody(Set.of("endfor"));
            next();
        }
        endTag();
        return new Ast.For(targets, iter, filter, body, orElse, line);
    }

    private Node parseSet(int line) {
        String first = expectName("a variable name");
        if (skipOp(".")) {
            String attr = expectName("an attribute name");
            expectOp("=");
            Expr value = parseTuple(true);
            endTag();
            return new Ast.SetAttr(first, attr, value, line);
        }
        List<String> targets = new ArrayList<>(List.of(first));
        while (skipOp(",")) {
            targets.add(expectName("a variable name"));
        }
        if (targets.size() == 1 && peek().type() == Type.BLOCK_END) {
            next();
            List<Node> body = parseBody(Set.of("endset"));
            next();
            endTag();
            return new Ast.SetBlock(first, body, line);
        }
        expectOp("=");
        Expr value = parseTuple(true);
        endTag();
        return new Ast.Set(targets, value, line);
    }

    private Node parseMacro(int line) {
        String name = expectName("a macro name");
        expectOp("(");
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        while (!peek().isOp(")")) {
            if (!params.isEmpty()) {
                expectOp(",");
                if (peek().isOp(")")) {
                    break;
                }
            }
            params.add(expectName("a parameter name"));
            defaults.add(skipOp("=") ? parseExpression(true) : null);
        }
        expectOp(")");
        endTag();
        List<Node> body = parseBody(Set.of("endmacro"));
        next();
        if (peek().type() == Type.NAME) {
            next(); // {% endmacro name %}
        }
        endTag();
        return new Ast.Macro(name, params, defaults, body, line);
    }

    // ---------------------------------------------------------------- expressions

    /** An expression, or a tuple when commas follow ({@code {{ a, b }}}, {@code for x in a, b}). */
    private Expr parseTuple(boolean withCondExpr) {
        int line = peek().line();
        Expr first = parseExpression(withCondExpr);
        if (!peek().isOp(",")) {
            return first;
        }
        List<Expr> items = new ArrayList<>(List.of(first));
        while (skipOp(",")) {
            if (isTupleEnd()) {
                break;
            }
            items.add(parseExpression(withCondExpr));
        }
        return new Ast.TupleLit(items, line);
    }

    private boolean isTupleEnd() {
        Token t = peek();
        return t.type() == Type.VAR_END || t.type() == Type.BLOCK_END || t.isOp(")") || t.isOp("=")
                || (t.type() == Type.NAME && (t.value().equals("if") || t.value().equals("in")));
    }

    private Expr parseExpression(boolean withCondExpr) {
        return withCondExpr ? parseCondExpr() : parseOr();
    }

    private Expr parseCondExpr() {
        Expr expr = parseOr();
        while (peek().isName("if")) {
            int line = next().line();
            Expr test = parseOr();
            Expr orElse = skipName("else") ? parseCondExpr() : null;
            expr = new Ast.CondExpr(test, expr, orElse, line);
        }
        return expr;
    }

    private Expr parseOr() {
        Expr left = parseAnd();
        while (peek().isName("or")) {
            int line = next().line();
            left = new Ast.Or(left, parseAnd(), line);
        }
        return left;
    }

    private Expr parseAnd() {
        Expr left = parseNot();
        while (peek().isName("and")) {
            int line = next().line();
            left = new Ast.And(left, parseNot(), line);
        }
        return left;
    }

    private Expr parseNot() {
        if (peek().isName("not")) {
            int line = next().line();
            return new Ast.Not(parseNot(), line);
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        int line = peek().line();
        Expr first = parseMath1();
        List<String> ops = new ArrayList<>();
        List<Expr> rest = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Type.OP && Set.of("==", "!=", "<", ">", "<=", ">=").contains(t.value())) {
                next();
                ops.add(t.value());
            } else if (t.isName("in")) {
                next();
                ops.add("in");
            } else if (t.isName("not") && peekAt(1).isName("in")) {
                pos += 2;
                ops.add("notin");
            } else {
                break;
            }
            rest.add(parseMath1());
        }
        return ops.isEmpty() ? first : new Ast.Compare(first, ops, rest, line);
    }

    private Expr parseMath1() {
        Expr left = parseConcat();
        while (peek().isOp("+") || peek().isOp("-")) {
            Token op = next();
            left = new Ast.Binary(op.value(), left, parseConcat(), op.line());
        }
        return left;
    }

    private Expr parseConcat() {
        Expr left = parseMath2();
        while (peek().isOp("~")) {
            Token op = next();
            left = new Ast.Binary("~", left, parseMath2(), op.line());
        }
        return left;
    }

    private Expr parseMath2() {
        Expr left = parsePow();
        while (peek().type() == Type.OP && Set.of("*", "/", "//", "%").contains(peek().value())) {
            Token op = next();
            left = new Ast.Binary(op.value(), left, parsePow(), op.line());
        }
        return left;
    }

    private Expr parsePow() {
        Expr left = parseUnary(true);
        while (peek().isOp("**")) {
            Token op = next();
            left = new Ast.Binary("**", left, parseUnary(true), op.line());
        }
        return left;
    }

    private Expr parseUnary(boolean withFilter) {
        Token t = peek();
        Expr node;
        if (t.isOp("-") || t.isOp("+")) {
            next();
            node = new Ast.Unary(t.value(), parseUnary(false), t.line());
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(node);
        return withFilter ? parseFilterExpr(node) : node;
    }

    private Expr parsePrimary() {
        Token t = next();
        switch (t.type()) {
            case NAME -> {
                return switch (t.value()) {
                    case "true", "True" -> new Ast.Literal(Boolean.TRUE, t.line());
                    case "false", "False" -> new Ast.Literal(Boolean.FALSE, t.line());
                    case "none", "None" -> new Ast.Literal(null, t.line());
                    default -> new Ast.Name(t.value(), t.line());
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.value());
                while (peek().type() == Type.STRING) { // adjacent literals concatenate, as in Python
                    sb.append(next().value());
                }
                return new Ast.Literal(sb.toString(), t.line());
            }
            case INT -> {
                return new Ast.Literal(Long.parseLong(t.value()), t.line());
            }
            case FLOAT -> {
                return new Ast.Literal(Double.parseDouble(t.value()), t.line());
            }
            case OP -> {
                switch (t.value()) {
                    case "(" -> {
                        if (skipOp(")")) {
                            return new Ast.TupleLit(List.of(), t.line());
                        }
                        Expr first = parseExpression(true);
                        if (skipOp(")")) {
                            return first;
                        }
                        List<Expr> items = new ArrayList<>(List.of(first));
                        while (skipOp(",")) {
                            if (peek().isOp(")")) {
                                break;
                            }
                            items.add(parseExpression(true));
                        }
                        expectOp(")");
                        return new Ast.TupleLit(items, t.line());
                    }
                    case "[" -> {
                        List<Expr> items = new ArrayList<>();
                        while (!peek().isOp("]")) {
                            if (!items.isEmpty()) {
                                expectOp(",");
                                if (peek().isOp("]")) {
                                    break;
                                }
                            }
                            items.add(parseExpression(true));
                        }
                        expectOp("]");
                        return new Ast.ListLit(items, t.line());
                    }
                    case "{" -> {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!peek().isOp("}")) {
                            if (!keys.isEmpty()) {
                                expectOp(",");
                                if (peek().isOp("}")) {
                                    break;
                                }
                            }
                            keys.add(parseExpression(true));
                            expectOp(":");
                            values.add(parseExpression(true));
                        }
                        expectOp("}");
                        return new Ast.DictLit(keys, values, t.line());
                    }
                    default -> {
                    }
                }
            }
            default -> {
            }
        }
        throw error(t, "unexpected " + t + " in expression");
    }

    private Expr parsePostfix(Expr node) {
        while (true) {
            Token t = peek();
            if (t.isOp(".")) {
                next();
                Token attr = next();
                if (attr.type() == Type.NAME) {
                    node = new Ast.GetAttr(node, attr.value(), t.line());
                } else if (attr.type() == Type.INT) {
                    node = new Ast.GetItem(node, new Ast.Literal(Long.parseLong(attr.value()), t.line()), t.line());
                } else {
                    throw error(attr, "expected an attribute name after '.' but found " + attr);
                }
            } else if (t.isOp("[")) {
                next();
                node = parseSubscript(node, t.line());
            } else if (t.isOp("(")) {
                node = parseCall(node);
            } else {
                return node;
            }
        }
    }

    private Expr parseSubscript(Expr node, int line) {
        Expr start = null;
        if (!peek().isOp(":")) {
            start = parseExpression(true);
            if (skipOp("]")) {
                return new Ast.GetItem(node, start, line);
            }
        }
        expectOp(":");
        Expr stop = null;
        Expr step = null;
        if (!peek().isOp("]") && !peek().isOp(":")) {
            stop = parseExpression(true);
        }
        if (skipOp(":") && !peek().isOp("]")) {
            step = parseExpression(true);
        }
        expectOp("]");
        return new Ast.Slice(node, start, stop, step, line);
    }

    private record Args(List<Expr> args, List<String> kwNames, List<Expr> kwValues) { }

    private Args parseArgs() {
        expectOp("(");
        List<Expr> args = new ArrayList<>();
        List<String> kwNames = new ArrayList<>();
        List<Expr> kwValues = new ArrayList<>();
        boolean first = true;
        while (!peek().isOp(")")) {
            if (!first) {
                expectOp(",");
                if (peek().isOp(")")) {
                    break;
                }
            }
            first = false;
            if (peek().isOp("*") || peek().isOp("**")) {
                throw error(peek(), "*args and **kwargs in calls are not supported");
            }
            if (peek().type() == Type.NAME && peekAt(1).isOp("=")) {
                kwNames.add(next().value());
                next();
                kwValues.add(parseExpression(true));
            } else {
                if (!kwNames.isEmpty()) {
                    throw error(peek(), "positional argument after a keyword argument");
                }
                args.add(parseExpression(true));
            }
        }
        expectOp(")");
        return new Args(args, kwNames, kwValues);
    }

    private Expr parseCall(Expr fn) {
        int line = peek().line();
        Args a = parseArgs();
        return new Ast.Call(fn, a.args(), a.kwNames(), a.kwValues(), line);
    }

    private Expr parseFilterExpr(Expr node) {
        while (true) {
            Token t = peek();
            if (t.isOp("|")) {
                next();
                String name = dottedName();
                if (peek().isOp("(")) {
                    Args a = parseArgs();
                    node = new Ast.Filter(node, name, a.args(), a.kwNames(), a.kwValues(), t.line());
                } else {
                    node = new Ast.Filter(node, name, List.of(), List.of(), List.of(), t.line());
                }
            } else if (t.isName("is")) {
                next();
                boolean negated = skipName("not");
                String name = dottedName();
                List<Expr> args = List.of();
                Token a = peek();
                if (a.isOp("(")) {
                    args = parseArgs().args();
                } else if ((a.type() == Type.NAME || a.type() == Type.STRING || a.type() == Type.INT
                        || a.type() == Type.FLOAT || (a.type() == Type.OP && TEST_ARG_START.contains(a.value())))
                        && !(a.isName("else") || a.isName("or") || a.isName("and"))) {
                    if (a.isName("is")) {
                        throw error(a, "tests cannot be chained with 'is'");
                    }
                    args = List.of(parsePostfix(parsePrimary()));
                }
                node = new Ast.Test(node, name, args, negated, t.line());
            } else if (t.isOp("(")) {
                node = parseCall(node);
            } else {
                return node;
            }
        }
    }

    private String dottedName() {
        StringBuilder sb = new StringBuilder(expectName("a filter or test name"));
        while (peek().isOp(".") && peekAt(1).type() == Type.NAME) {
            next();
            sb.append('.').append(next().value());
        }
        return sb.toString();
    }
}
