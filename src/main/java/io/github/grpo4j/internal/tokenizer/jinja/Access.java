package io.github.grpo4j.internal.tokenizer.jinja;

import static io.github.grpo4j.internal.tokenizer.jinja.Values.error;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * jinja2's attribute and item lookup: {@code a.b} tries the Python attribute (a method) first and
 * then the item; {@code a['b']} tries the item first. A missing key or an index out of range gives
 * an {@link Undefined}; looking into an undefined value fails.
 */
final class Access {
    private Access() {
    }

    static Object getAttr(Object obj, String name) {
        if (obj instanceof Undefined u) {
            throw error(u.hint());
        }
        Object method = method(obj, name);
        if (method != null) {
            return method;
        }
        if (obj instanceof Map<?, ?> m) {
            return m.containsKey(name) ? m.get(name) : missingAttr(obj, name);
        }
        if (obj instanceof Namespace ns) {
            return ns.attrs.containsKey(name) ? ns.attrs.get(name) : missingAttr(obj, name);
        }
        return missingAttr(obj, name);
    }

    static Object getItem(Object obj, Object key) {
        if (obj instanceof Undefined u) {
            throw error(u.hint());
        }
        if (obj instanceof Map<?, ?> m) {
            if (m.containsKey(key)) {
                return m.get(key);
            }
            for (Map.Entry<?, ?> e : m.entrySet()) { // 1 == 1.0 == True as dict keys
                if (Values.isNumber(key) && Values.isNumber(e.getKey()) && Values.eq(key, e.getKey())) {
                    return e.getValue();
                }
            }
        } else if ((obj instanceof List<?> || obj instanceof String) && (key instanceof Long || key instanceof Boolean)) {
            long i = Values.asLong(key, "index");
            int n = Values.length(obj);
            if (i < 0) {
                i += n;
            }
            if (i < 0 || i >= n) {
                return new Undefined(Values.typeName(obj) + " object has no element " + key);
            }
            return obj instanceof List<?> l ? l.get((int) i) : Values.chars((String) obj).get((int) i);
        } else if (obj instanceof Namespace ns && key instanceof String s && ns.attrs.containsKey(s)) {
            return ns.attrs.get(s);
        }
        if (key instanceof String s) {
            Object method = method(obj, s);
            if (method != null) {
                return method;
            }
        }
        return new Undefined("'" + Values.typeName(obj) + " object' has no attribute " + Values.repr(key));
    }

    private static Undefined missingAttr(Object obj, String name) {
        return new Undefined("'" + Values.typeName(obj) + " object' has no attribute '" + name + "'");
    }

    /** A bound Python method of a str, dict or list, or null when there is none by that name. */
    private static JinjaFunction method(Object obj, String name) {
        if (obj instanceof String s && PyStrings.hasMethod(name)) {
            return (a, k) -> PyStrings.call(s, name, a, k);
        }
        if (obj instanceof Map<?, ?> m && Builtins.DICT_METHODS.contains(name)) {
            return (a, k) -> switch (name) {
                case "get" -> {
                    if (a.isEmpty()) {
                        throw error("get expected at least 1 argument");
                    }
                    Object v = getItem(m, a.get(0));
                    yield v instanceof Undefined ? (a.size() > 1 ? a.get(1) : null) : v;
                }
                case "items" -> Builtins.itemsOf(m);
                case "keys" -> new ArrayList<Object>(m.keySet());
                default -> new ArrayList<Object>(m.values());
            };
        }
        if (obj instanceof List<?> l && (name.equals("index") || name.equals("count"))) {
            return (a, k) -> {
                if (a.isEmpty()) {
                    throw error(name + "() takes exactly one argument");
                }
                long count = 0;
                for (int i = 0; i < l.size(); i++) {
                    if (Values.eq(l.get(i), a.get(0))) {
                        if (name.equals("index")) {
                            return (long) i;
                        }
                        count++;
                    }
                }
                if (name.equals("index")) {
                    throw error(Values.repr(a.get(0)) + " is not in list");
                }
                return count;
            };
        }
        return null;
    }
}
