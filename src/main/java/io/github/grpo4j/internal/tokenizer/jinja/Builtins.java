package io.github.grpo4j.internal.tokenizer.jinja;

import static io.github.grpo4j.internal.tokenizer.jinja.Values.error;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The filters, tests, globals and Python methods chat templates use, with jinja2's and Python's
 * semantics (jinja2/filters.py, jinja2/tests.py, transformers' chat_template_utils.py).
 */
final class Builtins {
    private Builtins() {
    }

    interface Filter {
        Object apply(Object value, List<Object> args, Map<String, Object> kwargs);
    }

    interface Test {
        boolean apply(Object value, List<Object> args);
    }

    /** Binds positional and keyword arguments to named parameters, Python style. */
    static Object[] bind(String fn, List<Object> args, Map<String, Object> kwargs, String[] names, Object... defaults) {
        if (args.size() > names.length) {
            throw error(fn + "() takes at most " + names.length + " arguments (" + args.size() + " given)");
        }
        Object[] out = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = i < args.size() ? args.get(i) : i < defaults.length ? defaults[i] : null;
        }
        for (Map.Entry<String, Object> e : kwargs.entrySet()) {
            int idx = List.of(names).indexOf(e.getKey());
            if (idx < 0) {
                throw error(fn + "() got an unexpected keyword argument '" + e.getKey() + "' (parameters: "
                        + String.join(", ", names) + ")");
            }
            out[idx] = e.getValue();
        }
        return out;
    }

    private static String[] p(String... names) {
        return names;
    }

    // ---------------------------------------------------------------- filters

    static final Map<String, Filter> FILTERS = new HashMap<>();

    static {
        Filter length = (v, a, k) -> (long) Values.length(v);
        FILTERS.put("length", length);
        FILTERS.put("count", length);
        FILTERS.put("string", (v, a, k) -> Values.str(v));
        FILTERS.put("safe", (v, a, k) -> v instanceof Undefined ? "" : v);
        FILTERS.put("trim", (v, a, k) -> {
            Object[] b = bind("trim", a, k, p("chars"));
            return PyStrings.strip(Values.str(v), b[0], true, true);
        });
        FILTERS.put("upper", (v, a, k) -> Values.str(v).toUpperCase(Locale.ROOT));
        FILTERS.put("lower", (v, a, k) -> Values.str(v).toLowerCase(Locale.ROOT));
        FILTERS.put("capitalize", (v, a, k) -> PyStrings.capitalize(Values.str(v)));
        FILTERS.put("title", (v, a, k) -> PyStrings.title(Values.str(v)));
        Filter dflt = (v, a, k) -> {
            Object[] b = bind("default", a, k, p("default_value", "boolean"), "", false);
            boolean replace = v instanceof Undefined || (Values.truthy(b[1]) && !Values.truthy(v));
            return replace ? b[0] : v;
        };
        FILTERS.put("default", dflt);
        FILTERS.put("d", dflt);
        FILTERS.put("first", (v, a, k) -> {
            List<Object> items = Values.iterate(v);
            return items.isEmpty() ? new Undefined("No first item, sequence was empty.") : items.get(0);
        });
        FILTERS.put("last", (v, a, k) -> {
            List<Object> items = Values.iterate(v);
            return items.isEmpty() ? new Undefined("No last item, sequence was empty.") : items.get(items.size() - 1);
        });
        FILTERS.put("join", (v, a, k) -> {
            Object[] b = bind("join", a, k, p("d", "attribute"), "", null);
            StringBuilder sb = new StringBuilder();
            String sep = Values.str(b[0]);
            boolean first = true;
            for (Object x : Values.iterate(v)) {
                sb.append(first ? "" : sep).append(Values.str(b[1] == null ? x : Access.getItem(x, b[1])));
                first = false;
            }
            return sb.toString();
        });
        FILTERS.put("replace", (v, a, k) -> {
            Object[] b = bind("replace", a, k, p("old", "new", "count"));
            return PyStrings.replace(Values.str(v), Values.str(b[0]), Values.str(b[1]),
                    b[2] == null ? -1 : Values.asLong(b[2], "count"));
        });
        FILTERS.put("items", (v, a, k) -> {
            if (v instanceof Undefined) {
                return new ArrayList<>();
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw error("items filter needs a mapping, not " + Values.typeName(v));
            }
            return itemsOf(m);
        });
        FILTERS.put("list", (v, a, k) -> Values.iterate(v));
        FILTERS.put("int", (v, a, k) -> {
            Object[] b = bind("int", a, k, p("default", "base"), 0L, 10L);
            return toInt(v, b[0], (int) Values.asLong(b[1], "base"));
        });
        FILTERS.put("float", (v, a, k) -> {
            Object[] b = bind("float", a, k, p("default"), 0.0);
            if (Values.isNumber(v)) {
                return Values.asDouble(v);
            }
            try {
                return Double.parseDouble(Values.str(v).strip());
            } catch (NumberFormatException e) {
                return b[0];
            }
        });
        FILTERS.put("abs", (v, a, k) -> v instanceof Double d ? (Object) Math.abs(d) : (Object) Math.abs(Values.asLong(v, "abs")));
        FILTERS.put("round", (v, a, k) -> {
            Object[] b = bind("round", a, k, p("precision", "method"), 0L, "common");
            int prec = (int) Values.asLong(b[0], "precision");
            RoundingMode mode = switch (Values.str(b[1])) {
                case "common" -> RoundingMode.HALF_EVEN; // Python's round() on the exact binary value
                case "ceil" -> RoundingMode.CEILING;
                case "floor" -> RoundingMode.FLOOR;
                default -> throw error("round method must be common, ceil or floor");
            };
            if (v instanceof Long && mode == RoundingMode.HALF_EVEN) {
                return v; // jinja2 calls Python's round(), which keeps ints
            }
            return new BigDecimal(Values.asDouble(v)).setScale(prec, mode).doubleValue();
        });
        FILTERS.put("tojson", (v, a, k) -> {
            // transformers' own tojson: json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)
            Object[] b = bind("tojson", a, k, p("ensure_ascii", "indent", "separators", "sort_keys"), false, null, null, false);
            List<?> seps = b[2] == null ? null : (List<?>) b[2];
            return Values.toJson(v, Values.truthy(b[0]), b[1], seps, Values.truthy(b[3]));
        });
        FILTERS.put("sum", (v, a, k) -> {
            Object[] b = bind("sum", a, k, p("attribute", "start"), null, 0L);
            Object acc = b[1];
            for (Object x : Values.iterate(v)) {
                acc = Operators.binary("+", acc, b[0] == null ? x : Access.getItem(x, b[0]));
            }
            return acc;
        });
        FILTERS.put("min", (v, a, k) -> extreme(v, a, k, -1));
        FILTERS.put("max", (v, a, k) -> extreme(v, a, k, 1));
        FILTERS.put("sort", (v, a, k) -> {
            Object[] b = bind("sort", a, k, p("reverse", "case_sensitive", "attribute"), false, false, null);
            List<Object> items = Values.iterate(v);
            Comparator<Object> cmp = (x, y) -> Values.compare(sortKey(x, b[2], b[1]), sortKey(y, b[2], b[1]));
            items.sort(Values.truthy(b[0]) ? cmp.reversed() : cmp);
            return items;
        });
        FILTERS.put("dictsort", (v, a, k) -> {
            Object[] b = bind("dictsort", a, k, p("case_sensitive", "by", "reverse"), false, "key", false);
            if (!(v instanceof Map<?, ?> m)) {
                throw error("dictsort needs a mapping, not " + Values.typeName(v));
            }
            int pos = "value".equals(b[1]) ? 1 : 0;
            List<Object> items = itemsOf(m);
            Comparator<Object> cmp = (x, y) -> Values.compare(sortKey(((List<?>) x).get(pos), null, b[0]),
                    sortKey(((List<?>) y).get(pos), null, b[0]));
            items.sort(Values.truthy(b[2]) ? cmp.reversed() : cmp);
            return items;
        });
        FILTERS.put("unique", (v, a, k) -> {
            Object[] b = bind("unique", a, k, p("case_sensitive", "attribute"), false, null);
            List<Object> out = new ArrayList<>();
            List<Object> seen = new ArrayList<>();
            for (Object x : Values.iterate(v)) {
                Object key = sortKey(x, b[1], b[0]);
                if (seen.stream().noneMatch(s -> Values.eq(s, key))) {
                    seen.add(key);
                    out.add(x);
                }
            }
            return out;
        });
        FILTERS.put("reverse", (v, a, k) -> {
            if (v instanceof String s) {
                return new StringBuilder(s).reverse().toString();
            }
            List<Object> items = Values.iterate(v);
            java.util.Collections.reverse(items);
            return items;
        });
        FILTERS.put("map", (v, a, k) -> {
            List<Object> out = new ArrayList<>();
            if (a.isEmpty() && k.containsKey("attribute")) {
                Object dfl = k.get("default");
                for (Object x : Values.iterate(v)) {
                    Object r = Access.getItem(x, k.get("attribute"));
                    out.add(r instanceof Undefined && dfl != null ? dfl : r);
                }
                return out;
            }
            if (a.isEmpty()) {
                throw error("map needs a filter name or attribute=");
            }
            Filter f = filter(Values.str(a.get(0)));
            for (Object x : Values.iterate(v)) {
                out.add(f.apply(x, a.subList(1, a.size()), k));
            }
            return out;
        });
        FILTERS.put("select", (v, a, k) -> select(v, a, null, true));
        FILTERS.put("reject", (v, a, k) -> select(v, a, null, false));
        FILTERS.put("selectattr", (v, a, k) -> select(v, a.subList(1, a.size()), a.get(0), true));
        FILTERS.put("rejectattr", (v, a, k) -> select(v, a.subList(1, a.size()), a.get(0), false));
        FILTERS.put("attr", (v, a, k) -> Access.getAttr(v, Values.str(a.get(0))));
        FILTERS.put("indent", (v, a, k) -> {
            Object[] b = bind("indent", a, k, p("width", "first", "blank"), 4L, false, false);
            String pad = b[0] instanceof String s ? s : " ".repeat((int) Values.asLong(b[0], "width"));
            String text = Values.str(v);
            String[] lines = text.split("\n", -1);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < lines.length; i++) {
                if (i > 0) {
                    sb.append('\n');
                }
                boolean indentThis = (i == 0 ? Values.truthy(b[1]) : true)
                        && (Values.truthy(b[2]) || !lines[i].isEmpty());
                sb.append(indentThis ? pad : "").append(lines[i]);
            }
            return sb.toString();
        });
        Filter escape = (v, a, k) -> Values.str(v).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&#34;").replace("'", "&#39;");
        FILTERS.put("escape", escape);
        FILTERS.put("e", escape);
        FILTERS.put("wordcount", (v, a, k) -> (long) PyStrings.split(Values.str(v), null, -1).size());
    }

    static Filter filter(String name) {
        Filter f = FILTERS.get(name);
        if (f == null) {
            throw error("no filter named '" + name + "'");
        }
        return f;
    }

    static List<Object> itemsOf(Map<?, ?> m) {
        List<Object> out = new ArrayList<>();
        m.forEach((key, val) -> out.add(new PyTuple(java.util.Arrays.asList(key, val))));
        return out;
    }

    private static Object sortKey(Object x, Object attribute, Object caseSensitive) {
        Object key = attribute == null ? x : Access.getItem(x, attribute);
        return key instanceof String s && !Values.truthy(caseSensitive) ? s.toLowerCase(Locale.ROOT) : key;
    }

    private static Object extreme(Object v, List<Object> a, Map<String, Object> k, int sign) {
        Object[] b = bind(sign < 0 ? "min" : "max", a, k, p("case_sensitive", "attribute"), false, null);
        Object best = null;
        Object bestKey = null;
        for (Object x : Values.iterate(v)) {
            Object key = sortKey(x, b[1], b[0]);
            if (best == null || sign * Values.compare(key, bestKey) > 0) {
                best = x;
                bestKey = key;
            }
        }
        return best == null ? new Undefined("No aggregated item, sequence was empty.") : best;
    }

    private static Object toInt(Object v, Object dflt, int base) {
        if (v instanceof Long) {
            return v;
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof Double d) {
            return (long) d.doubleValue();
        }
        String s = Values.str(v).strip().replace("_", "");
        try {
            return Long.parseLong(s, base);
        } catch (NumberFormatException e) {
            try {
                return (long) Double.parseDouble(s);
            } catch (NumberFormatException e2) {
                return dflt;
            }
        }
    }

    private static List<Object> select(Object v, List<Object> a, Object attribute, boolean keep) {
        List<Object> out = new ArrayList<>();
        Test t = a.isEmpty() ? null : test(Values.str(a.get(0)));
        List<Object> targs = a.isEmpty() ? List.of() : a.subList(1, a.size());
        for (Object x : Values.iterate(v)) {
            Object probe = attribute == null ? x : Access.getItem(x, attribute);
            boolean ok = t == null ? Values.truthy(probe) : t.apply(probe, targs);
            if (ok == keep) {
                out.add(x);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- tests

    static final Map<String, Test> TESTS = new HashMap<>();

    static {
        TESTS.put("defined", (v, a) -> !(v instanceof Undefined));
        TESTS.put("undefined", (v, a) -> v instanceof Undefined);
        TESTS.put("none", (v, a) -> v == null);
        TESTS.put("string", (v, a) -> v instanceof String);
        TESTS.put("number", (v, a) -> Values.isNumber(v));
        TESTS.put("integer", (v, a) -> v instanceof Long);
        TESTS.put("float", (v, a) -> v instanceof Double);
        TESTS.put("boolean", (v, a) -> v instanceof Boolean);
        TESTS.put("true", (v, a) -> Boolean.TRUE.equals(v));
        TESTS.put("false", (v, a) -> Boolean.FALSE.equals(v));
        TESTS.put("mapping", (v, a) -> v instanceof Map);
        TESTS.put("iterable", (v, a) -> v instanceof List || v instanceof Map || v instanceof String || v instanceof Undefined);
        TESTS.put("sequence", (v, a) -> v instanceof List || v instanceof Map || v instanceof String);
        TESTS.put("callable", (v, a) -> v instanceof JinjaFunction);
        TESTS.put("odd", (v, a) -> Math.floorMod(Values.asLong(v, "odd"), 2) == 1);
        TESTS.put("even", (v, a) -> Math.floorMod(Values.asLong(v, "even"), 2) == 0);
        TESTS.put("divisibleby", (v, a) -> Math.floorMod(Values.asLong(v, "divisibleby"), Values.asLong(arg(a, "divisibleby"), "divisor")) == 0);
        Test eq = (v, a) -> Values.eq(v, arg(a, "eq"));
        for (String n : List.of("eq", "equalto", "==")) {
            TESTS.put(n, eq);
        }
        Test ne = (v, a) -> !Values.eq(v, arg(a, "ne"));
        TESTS.put("ne", ne);
        TESTS.put("!=", ne);
        Test lt = (v, a) -> Values.compare(v, arg(a, "lt")) < 0;
        Test le = (v, a) -> Values.compare(v, arg(a, "le")) <= 0;
        Test gt = (v, a) -> Values.compare(v, arg(a, "gt")) > 0;
        Test ge = (v, a) -> Values.compare(v, arg(a, "ge")) >= 0;
        for (String n : List.of("lt", "lessthan", "<")) {
            TESTS.put(n, lt);
        }
        for (String n : List.of("le", "<=")) {
            TESTS.put(n, le);
        }
        for (String n : List.of("gt", "greaterthan", ">")) {
            TESTS.put(n, gt);
        }
        for (String n : List.of("ge", ">=")) {
            TESTS.put(n, ge);
        }
        TESTS.put("in", (v, a) -> Values.contains(arg(a, "in"), v));
        TESTS.put("sameas", (v, a) -> {
            Object o = arg(a, "sameas");
            return v == o || (v instanceof Boolean && v.equals(o));
        });
        TESTS.put("lower", (v, a) -> v instanceof String s && s.equals(s.toLowerCase(Locale.ROOT)));
        TESTS.put("upper", (v, a) -> v instanceof String s && s.equals(s.toUpperCase(Locale.ROOT)));
        TESTS.put("escaped", (v, a) -> false);
    }

    private static Object arg(List<Object> a, String test) {
        if (a.isEmpty()) {
            throw error("test '" + test + "' needs an argument");
        }
        return a.get(0);
    }

    static Test test(String name) {
        Test t = TESTS.get(name);
        if (t == null) {
            throw error("no test named '" + name + "'");
        }
        return t;
    }

    // ---------------------------------------------------------------- globals

    /** Globals every template sees (jinja2's defaults plus transformers' additions). */
    static Map<String, Object> globals() {
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("range", (JinjaFunction) (a, k) -> {
            if (a.isEmpty() || a.size() > 3) {
                throw error("range() takes 1 to 3 arguments");
            }
            long start = a.size() == 1 ? 0 : Values.asLong(a.get(0), "range start");
            long stop = Values.asLong(a.get(a.size() == 1 ? 0 : 1), "range stop");
            long step = a.size() == 3 ? Values.asLong(a.get(2), "range step") : 1;
            if (step == 0) {
                throw error("range() step must not be zero");
            }
            List<Object> out = new ArrayList<>();
            for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
                if (out.size() > 100_000) {
                    throw error("range() too large for a template");
                }
                out.add(i);
            }
            return out;
        });
        g.put("namespace", (JinjaFunction) (a, k) -> {
            Namespace ns = new Namespace();
            for (Object x : a) {
                if (!(x instanceof Map<?, ?> m)) {
                    throw error("namespace() takes keyword arguments or a mapping");
                }
                m.forEach((key, val) -> ns.attrs.put(Values.str(key), val));
            }
            ns.attrs.putAll(k);
            return ns;
        });
        g.put("dict", (JinjaFunction) (a, k) -> {
            Map<Object, Object> m = new LinkedHashMap<>();
            for (Object x : a) {
                if (x instanceof Map<?, ?> src) {
                    m.putAll(src);
                }
            }
            m.putAll(k);
            return m;
        });
        g.put("raise_exception", (JinjaFunction) (a, k) -> {
            throw new RaisedException(a.isEmpty() ? "" : Values.str(a.get(0)));
        });
        g.put("strftime_now", (JinjaFunction) (a, k) -> strftime(ZonedDateTime.now(), Values.str(a.get(0))));
        return g;
    }

    /** The template's own {@code raise_exception(message)}. */
    static final class RaisedException extends RuntimeException {
        RaisedException(String message) {
            super(message, null, false, false);
        }
    }

    /** The common strftime directives (Llama 3.x templates use "%d %b %Y"). */
    static String strftime(ZonedDateTime t, String fmt) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 >= fmt.length()) {
                sb.append(c);
                continue;
            }
            char d = fmt.charAt(++i);
            switch (d) {
                case 'd' -> sb.append(String.format("%02d", t.getDayOfMonth()));
                case 'm' -> sb.append(String.format("%02d", t.getMonthValue()));
                case 'Y' -> sb.append(t.getYear());
                case 'y' -> sb.append(String.format("%02d", t.getYear() % 100));
                case 'H' -> sb.append(String.format("%02d", t.getHour()));
                case 'M' -> sb.append(String.format("%02d", t.getMinute()));
                case 'S' -> sb.append(String.format("%02d", t.getSecond()));
                case 'b' -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'j' -> sb.append(String.format("%03d", t.getDayOfYear()));
                case 'p' -> sb.append(t.getHour() < 12 ? "AM" : "PM");
                case 'Z' -> sb.append(t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'F' -> sb.append(t.format(DateTimeFormatter.ISO_LOCAL_DATE));
                case '%' -> sb.append('%');
                default -> sb.append('%').append(d);
            }
        }
        return sb.toString();
    }

    static final Set<String> DICT_METHODS = Set.of("get", "items", "keys", "values");
}
