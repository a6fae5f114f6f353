package io.github.grpo4j.internal.tokenizer.jinja;

import io.github.grpo4j.internal.tokenizer.jinja.Ast.Expr;
import io.github.grpo4j.internal.tokenizer.jinja.Ast.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks the parsed template. Scoping follows jinja2: each for-loop iteration and each macro call
 * gets a fresh child scope (so {@code set} inside a loop does not leak out; that is what
 * {@code namespace()} is for), while {@code if} blocks share their enclosing scope.
 */
final class Interpreter {

    private enum Signal { NONE, BREAK, CONTINUE }

    /** A chain of variable maps; reads walk outwards, writes go to the innermost. */
    private static final class Scope {
        final Map<String, Object> vars = new HashMap<>();
        final Scope parent;

        Scope(Scope parent) {
            this.parent = parent;
        }

        Object lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            return new Undefined("'" + name + "' is undefined");
        }
    }

    private final String templateName;

    Interpreter(String templateName) {
        this.templateName = templateName;
    }

    String render(List<Node> nodes, Map<String, Object> variables) {
        Scope root = new Scope(null);
        root.vars.putAll(Builtins.globals());
        variables.forEach((k, v) -> root.vars.put(k, Values.fromJava(v)));
        StringBuilder out = new StringBuilder();
        Signal s = exec(nodes, new Scope(root), out);
        if (s != Signal.NONE) {
            throw new JinjaException(templateName, 1, "'break' or 'continue' outside a for loop");
        }
        return out.toString();
    }

    private JinjaException fail(int line, String message) {
        return new JinjaException(templateName, line, message);
    }

    // ---------------------------------------------------------------- statements

    private Signal exec(List<Node> nodes, Scope scope, StringBuilder out) {
        for (Node n : nodes) {
            Signal s = exec(n, scope, out);
            if (s != Signal.NONE) {
                return s;
            }
        }
        return Signal.NONE;
    }

    private Signal exec(Node node, Scope scope, StringBuilder out) {
        if (node instanceof Ast.Text t) {
            out.append(t.text());
        } else if (node instanceof Ast.Output o) {
            out.append(Values.str(eval(o.expr(), scope)));
        } else if (node instanceof Ast.If f) {
            for (Ast.Branch b : f.branches()) {
                if (Values.truthy(eval(b.test(), scope))) {
                    return exec(b.body(), scope, out);
                }
            }
            return exec(f.orElse(), scope, out);
        } else if (node instanceof Ast.For f) {
            return execFor(f, scope, out);
        } else if (node instanceof Ast.Set s) {
            assign(s.targets(), eval(s.value(), scope), scope, s.line());
        } else if (node instanceof Ast.SetAttr s) {
            Object target = scope.lookup(s.object());
            if (!(target instanceof Namespace ns)) {
                throw fail(s.line(), "cannot set attribute '" + s.attr() + "' on '" + s.object() + "' ("
                        + Values.typeName(target) + "): only namespace() objects can be assigned to");
            }
            ns.attrs.put(s.attr(), eval(s.value(), scope));
        } else if (node instanceof Ast.SetBlock s) {
            StringBuilder body = new StringBuilder();
            exec(s.body(), scope, body);
            scope.vars.put(s.target(), body.toString());
        } else if (node instanceof Ast.Macro m) {
            scope.vars.put(m.name(), macro(m, scope));
        } else if (node instanceof Ast.Break) {
            return Signal.BREAK;
        } else if (node instanceof Ast.Continue) {
            return Signal.CONTINUE;
        } else if (node instanceof Ast.Generation g) {
            return exec(g.body(), scope, out);
        } else {
            throw fail(node.line(), "cannot execute " + node.getClass().getSimpleName());
        }
        return Signal.NONE;
    }

    private void assign(List<String> targets, Object value, Scope scope, int line) {
        if (targets.size() == 1) {
            scope.vars.put(targets.get(0), value);
            return;
        }
        List<Object> items;
        try {
            items = Values.iterate(value);
        } catch (Values.EvalError e) {
            throw fail(line, "cannot unpack " + Values.typeName(value) + " into " + String.join(", ", targets));
        }
        if (items.size() != targets.size()) {
            throw fail(line, "cannot unpack " + items.size() + " values into " + targets.size() + " names ("
                    + String.join(", ", targets) + ")");
        }
        for (int i = 0; i < targets.size(); i++) {
            scope.vars.put(targets.get(i), items.get(i));
        }
    }

    private Signal execFor(Ast.For f, Scope scope, StringBuilder out) {
        Object iterable = eval(f.iter(), scope);
        if (iterable == null) {
            throw fail(f.line(), "'NoneType' object is not iterable");
        }
        List<Object> items;
        try {
            items = Values.iterate(iterable);
        } catch (Values.EvalError e) {
            throw fail(f.line(), e.getMessage());
        }
        if (f.filter() != null) { // the loop's own "if": loop.* counts only the items that pass
            List<Object> kept = new ArrayList<>();
            for (Object item : items) {
                Scope probe = new Scope(scope);
                assign(f.targets(), item, probe, f.line());
                if (Values.truthy(eval(f.filter(), probe))) {
                    kept.add(item);
                }
            }
            items = kept;
        }
        if (items.isEmpty()) {
            return exec(f.orElse(), scope, out);
        }
        int n = items.size();
        for (int i = 0; i < n; i++) {
            Scope iter = new Scope(scope);
            assign(f.targets(), items.get(i), iter, f.line());
            iter.vars.put("loop", loopObject(items, i));
            Signal s = exec(f.body(), iter, out);
            if (s == Signal.BREAK) {
                break;
            }
        }
        return Signal.NONE;
    }

    private static Map<Object, Object> loopObject(List<Object> items, int i) {
        int n = items.size();
        Map<Object, Object> loop = new LinkedHashMap<>();
        loop.put("index0", (long) i);
        loop.put("index", (long) i + 1);
        loop.put("revindex", (long) (n - i));
        loop.put("revindex0", (long) (n - i - 1));
        loop.put("first", i == 0);
        loop.put("last", i == n - 1);
        loop.put("length", (long) n);
        loop.put("depth", 1L);
        loop.put("depth0", 0L);
        loop.put("previtem", i > 0 ? items.get(i - 1) : new Undefined("there is no previous item"));
        loop.put("nextitem", i < n - 1 ? items.get(i + 1) : new Undefined("there is no next item"));
        loop.put("cycle", (JinjaFunction) (a, k) -> {
            if (a.isEmpty()) {
                throw Values.error("no items for cycling given");
            }
            return a.get(i % a.size());
        });
        return loop;
    }

    private JinjaFunction macro(Ast.Macro m, Scope defining) {
        return (args, kwargs) -> {
            if (args.size() > m.params().size()) {
                throw Values.error("macro '" + m.name() + "' takes " + m.params().size() + " arguments ("
                        + args.size() + " given)");
            }
            Scope s = new Scope(defining);
            for (int i = 0; i < m.params().size(); i++) {
                String p = m.params().get(i);
                Object v;
                if (i < args.size()) {
                    v = args.get(i);
                } else if (kwargs.containsKey(p)) {
                    v = kwargs.get(p);
                } else if (m.defaults().get(i) != null) {
                    v = eval(m.defaults().get(i), s);
                } else {
                    v = new Undefined("parameter '" + p + "' of macro '" + m.name() + "' was not given");
                }
                s.vars.put(p, v);
            }
            for (String k : kwargs.keySet()) {
                if (!m.params().contains(k)) {
                    throw Values.error("macro '" + m.name() + "' has no parameter '" + k + "'");
                }
            }
            StringBuilder body = new StringBuilder();
            exec(m.body(), s, body);
            return body.toString();
        };
    }

    // ---------------------------------------------------------------- expressions

    /** Evaluates; a failure becomes a {@link JinjaException} at the innermost expression's line. */
    private Object eval(Expr e, Scope scope) {
        try {
            return evalUnchecked(e, scope);
        } catch (Values.EvalError err) {
            throw fail(e.line(), err.getMessage());
        } catch (Builtins.RaisedException raised) {
            throw fail(e.line(), "the template raised an error: " + raised.getMessage());
        } catch (ArithmeticException | ClassCastException | IndexOutOfBoundsException err) {
            throw fail(e.line(), err.toString());
        }
    }

    private Object evalUnchecked(Expr e, Scope scope) {
        if (e instanceof Ast.Literal l) {
            return l.value();
        }
        if (e instanceof Ast.Name n) {
            return scope.lookup(n.name());
        }
        if (e instanceof Ast.GetAttr g) {
            return Access.getAttr(eval(g.object(), scope), g.name());
        }
        if (e instanceof Ast.GetItem g) {
            return Access.getItem(eval(g.object(), scope), eval(g.key(), scope));
        }
        if (e instanceof Ast.Slice s) {
            Object obj = eval(s.object(), scope);
            return Values.slice(obj, opt(s.start(), scope), opt(s.stop(), scope), opt(s.step(), scope));
        }
        if (e instanceof Ast.And a) {
            Object l = eval(a.left(), scope);
            return Values.truthy(l) ? eval(a.right(), scope) : l;
        }
        if (e instanceof Ast.Or o) {
            Object l = eval(o.left(), scope);
            return Values.truthy(l) ? l : eval(o.right(), scope);
        }
        if (e instanceof Ast.Not n) {
            return !Values.truthy(eval(n.operand(), scope));
        }
        if (e instanceof Ast.Binary b) {
            return Operators.binary(b.op(), eval(b.left(), scope), eval(b.right(), scope));
        }
        if (e instanceof Ast.Unary u) {
            Object v = eval(u.operand(), scope);
            if (u.op().equals("-")) {
                return Operators.negate(v);
            }
            Values.checkDefined(v);
            return v;
        }
        if (e instanceof Ast.Compare c) {
            Object left = eval(c.first(), scope);
            for (int i = 0; i < c.ops().size(); i++) {
                Object right = eval(c.rest().get(i), scope);
                if (!compare(c.ops().get(i), left, right)) {
                    return false;
                }
                left = right;
            }
            return true;
        }
        if (e instanceof Ast.CondExpr c) {
            if (Values.truthy(eval(c.test(), scope))) {
                return eval(c.then(), scope);
            }
            return c.orElse() == null ? new Undefined("the inline if-expression had no else") : eval(c.orElse(), scope);
        }
        if (e instanceof Ast.Filter f) {
            Builtins.Filter filter = Builtins.filter(f.name());
            Object value = eval(f.value(), scope);
            return filter.apply(value, evalList(f.args(), scope), evalKw(f.kwNames(), f.kwValues(), scope));
        }
        if (e instanceof Ast.Test t) {
            Builtins.Test test = Builtins.test(t.name());
            boolean r = test.apply(eval(t.value(), scope), evalList(t.args(), scope));
            return t.negated() != r;
        }
        if (e instanceof Ast.Call c) {
            Object fn = eval(c.fn(), scope);
            if (!(fn instanceof JinjaFunction f)) {
                Values.checkDefined(fn);
                throw Values.error("'" + Values.typeName(fn) + "' object is not callable");
            }
            return f.call(evalList(c.args(), scope), evalKw(c.kwNames(), c.kwValues(), scope));
        }
        if (e instanceof Ast.ListLit l) {
            return evalList(l.items(), scope);
        }
        if (e instanceof Ast.TupleLit t) {
            return new PyTuple(evalList(t.items(), scope));
        }
        if (e instanceof Ast.DictLit d) {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < d.keys().size(); i++) {
                m.put(eval(d.keys().get(i), scope), eval(d.values().get(i), scope));
            }
            return m;
        }
        throw Values.error("cannot evaluate " + e.getClass().getSimpleName());
    }

    private Object opt(Expr e, Scope scope) {
        return e == null ? null : eval(e, scope);
    }

    private List<Object> evalList(List<Expr> exprs, Scope scope) {
        List<Object> out = new ArrayList<>(exprs.size());
        for (Expr x : exprs) {
            out.add(eval(x, scope));
        }
        return out;
    }

    private Map<String, Object> evalKw(List<String> names, List<Expr> values, Scope scope) {
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), eval(values.get(i), scope));
        }
        return out;
    }

    private static boolean compare(String op, Object a, Object b) {
        return switch (op) {
            case "==" -> Values.eq(a, b);
            case "!=" -> !Values.eq(a, b);
            case "<" -> Values.compare(a, b) < 0;
            case ">" -> Values.compare(a, b) > 0;
            case "<=" -> Values.compare(a, b) <= 0;
            case ">=" -> Values.compare(a, b) >= 0;
            case "in" -> Values.contains(b, a);
            case "notin" -> !Values.contains(b, a);
            default -> throw Values.error("unknown comparison " + op);
        };
    }
}
