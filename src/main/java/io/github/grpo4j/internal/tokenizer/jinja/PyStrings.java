package io.github.grpo4j.internal.tokenizer.jinja;

import static io.github.grpo4j.internal.tokenizer.jinja.Values.error;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Python {@code str} methods with Python's semantics (split keeps empty parts, strip takes a char set, ...). */
final class PyStrings {
    private PyStrings() {
    }

    /** Calls {@code s.name(args)}; the method names chat templates use. */
    static Object call(String s, String name, List<Object> a, Map<String, Object> k) {
        return switch (name) {
            case "startswith" -> affix(s, a, true);
            case "endswith" -> affix(s, a, false);
            case "strip" -> strip(s, optArg(a, 0), true, true);
            case "lstrip" -> strip(s, optArg(a, 0), true, false);
            case "rstrip" -> strip(s, optArg(a, 0), false, true);
            case "split" -> {
                Object[] b = Builtins.bind("split", a, k, new String[] {"sep", "maxsplit"}, null, -1L);
                yield split(s, b[0], Values.asLong(b[1], "maxsplit"));
            }
            case "rsplit" -> {
                Object[] b = Builtins.bind("rsplit", a, k, new String[] {"sep", "maxsplit"}, null, -1L);
                yield rsplit(s, b[0], Values.asLong(b[1], "maxsplit"));
            }
            case "splitlines" -> splitlines(s);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> capitalize(s);
            case "replace" -> replace(s, str(a, 0, "replace"), str(a, 1, "replace"),
                    a.size() > 2 ? Values.asLong(a.get(2), "count") : -1);
            case "find" -> (long) cpIndex(s, s.indexOf(str(a, 0, "find")));
            case "rfind" -> (long) cpIndex(s, s.lastIndexOf(str(a, 0, "rfind")));
            case "index" -> {
                int i = s.indexOf(str(a, 0, "index"));
                if (i < 0) {
                    throw error("substring not found");
                }
                yield (long) cpIndex(s, i);
            }
            case "count" -> {
                String sub = str(a, 0, "count");
                if (sub.isEmpty()) {
                    yield (long) s.codePointCount(0, s.length()) + 1;
                }
                long n = 0;
                for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
                    n++;
                }
                yield n;
            }
            case "join" -> {
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (Object x : Values.iterate(optArg(a, 0))) {
                    if (!(x instanceof String xs)) {
                        throw error("sequence item: expected str instance, " + Values.typeName(x) + " found");
                    }
                    sb.append(first ? "" : s).append(xs);
                    first = false;
                }
                yield sb.toString();
            }
            case "format" -> format(s, a, k);
            case "isdigit" -> !s.isEmpty() && s.codePoints().allMatch(Character::isDigit);
            case "isalpha" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetter);
            case "isalnum" -> !s.isEmpty() && s.codePoints().allMatch(Character::isLetterOrDigit);
            case "isspace" -> !s.isEmpty() && s.codePoints().allMatch(Character::isWhitespace);
            case "islower" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toLowerCase(Locale.ROOT));
            case "isupper" -> s.chars().anyMatch(Character::isLetter) && s.equals(s.toUpperCase(Locale.ROOT));
            default -> throw error("'str' object has no attribute '" + name + "'");
        };
    }

    private static List<Object> splitlines(String s) {
        List<Object> out = new ArrayList<>(List.of((Object[]) s.split("\r\n|\r|\n", -1)));
        if (!out.isEmpty() && "".equals(out.get(out.size() - 1))) {
            out.remove(out.size() - 1); // a final line break does not start a new line
        }
        return out;
    }

    static boolean hasMethod(String name) {
        return switch (name) {
            case "startswith", "endswith", "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "upper",
                    "lower", "title", "capitalize", "replace", "find", "rfind", "index", "count", "join", "format",
                    "isdigit", "isalpha", "isalnum", "isspace", "islower", "isupper" -> true;
            default -> false;
        };
    }

    private static Object optArg(List<Object> a, int i) {
        return i < a.size() ? a.get(i) : null;
    }

    private static String str(List<Object> a, int i, String fn) {
        if (i >= a.size() || !(a.get(i) instanceof String s)) {
            throw error(fn + "() argument " + (i + 1) + " must be str");
        }
        return s;
    }

    private static int cpIndex(String s, int utf16Index) {
        return utf16Index < 0 ? -1 : s.codePointCount(0, utf16Index);
    }

    private static boolean affix(String s, List<Object> a, boolean start) {
        if (a.isEmpty()) {
            throw error((start ? "startswith" : "endswith") + "() takes at least 1 argument");
        }
        Object arg = a.get(0);
        List<Object> options = arg instanceof PyTuple t ? new ArrayList<>(t) : List.of(arg);
        for (Object o : options) {
            if (!(o instanceof String p)) {
                Values.checkDefined(o);
                throw error((start ? "startswith" : "endswith") + " first arg must be str or a tuple of str, not "
                        + Values.typeName(o));
            }
            if (start ? s.startsWith(p) : s.endsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Python's strip: chars None strips whitespace, else strips any of the given characters. */
    static String strip(String s, Object chars, boolean left, boolean right) {
        if (chars != null && !(chars instanceof String)) {
            Values.checkDefined(chars);
            throw error("strip arg must be None or str, not " + Values.typeName(chars));
        }
        String set = (String) chars;
        int begin = 0;
        int end = s.length();
        while (left && begin < end && stripped(s.codePointAt(begin), set)) {
            begin += Character.charCount(s.codePointAt(begin));
        }
        while (right && end > begin && stripped(s.codePointBefore(end), set)) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(begin, end);
    }

    private static boolean stripped(int cp, String set) {
        return set == null ? isPySpace(cp) : set.indexOf(cp) >= 0;
    }

    static boolean isPySpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x1c || cp == 0x1d || cp == 0x1e
                || cp == 0x1f || cp == 0x85;
    }

    /** Python's str.split: sep None splits on whitespace runs and drops empty ends; else keeps empties. */
    static List<Object> split(String s, Object sep, long maxsplit) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            int i = 0;
            int n = s.length();
            while (true) {
                while (i < n && isPySpace(s.charAt(i))) {
                    i++;
                }
                if (i >= n) {
                    break;
                }
                if (maxsplit >= 0 && out.size() == maxsplit) {
                    out.add(rstripSpace(s.substring(i)));
                    break;
                }
                int j = i;
                while (j < n && !isPySpace(s.charAt(j))) {
                    j++;
                }
                out.add(s.substring(i, j));
                i = j;
            }
            return out;
        }
        String d = sepString(sep);
        int from = 0;
        while (maxsplit < 0 || out.size() < maxsplit) {
            int idx = s.indexOf(d, from);
            if (idx < 0) {
                break;
            }
            out.add(s.substring(from, idx));
            from = idx + d.length();
        }
        out.add(s.substring(from));
        return out;
    }

    static List<Object> rsplit(String s, Object sep, long maxsplit) {
        if (sep == null || maxsplit < 0) {
            return split(s, sep, maxsplit);
        }
        String d = sepString(sep);
        List<Object> out = new ArrayList<>();
        int end = s.length();
        while (out.size() < maxsplit) {
            int idx = s.lastIndexOf(d, end - d.length());
            if (idx < 0 || end - d.length() < 0) {
                break;
            }
            out.add(0, s.substring(idx + d.length(), end));
            end = idx;
        }
        out.add(0, s.substring(0, end));
        return out;
    }

    private static String sepString(Object sep) {
        if (!(sep instanceof String d)) {
            Values.checkDefined(sep);
            throw error("must be str or None, not " + Values.typeName(sep));
        }
        if (d.isEmpty()) {
            throw error("empty separator");
        }
        return d;
    }

    private static String rstripSpace(String s) {
        return strip(s, null, false, true);
    }

    static String replace(String s, String old, String rep, long count) {
        if (count < 0) {
            return s.replace(old, rep);
        }
        StringBuilder sb = new StringBuilder();
        int from = 0;
        for (long n = 0; n < count; n++) {
            int idx = s.indexOf(old, from);
            if (idx < 0) {
                break;
            }
            sb.append(s, from, idx).append(rep);
            from = idx + old.length();
            if (old.isEmpty()) {
                if (from >= s.length()) {
                    break;
                }
                sb.append(s.charAt(from));
                from++;
            }
        }
        return sb.append(s.substring(from)).toString();
    }

    static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        int n = Character.charCount(first);
        return new String(Character.toChars(Character.toTitleCase(first))) + s.substring(n).toLowerCase(Locale.ROOT);
    }

    static String title(String s) {
        StringBuilder sb = new StringBuilder();
        boolean prevCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean cased = Character.isLetter(cp);
            sb.appendCodePoint(cased ? (prevCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp)) : cp);
            prevCased = cased;
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    /** str.format with {}, {0} and {name} fields (no format specs). */
    private static String format(String s, List<Object> a, Map<String, Object> k) {
        StringBuilder sb = new StringBuilder();
        int auto = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                sb.append('{');
                i++;
            } else if (c == '}' && i + 1 < s.length() && s.charAt(i + 1) == '}') {
                sb.append('}');
                i++;
            } else if (c == '{') {
                int close = s.indexOf('}', i);
                if (close < 0) {
                    throw error("Single '{' encountered in format string");
                }
                String field = s.substring(i + 1, close);
                if (field.contains(":") || field.contains("!")) {
                    throw error("format specs in str.format are not supported: {" + field + "}");
                }
                Object v;
                if (field.isEmpty()) {
                    if (auto >= a.size()) {
                        throw error("Replacement index " + auto + " out of range for positional args tuple");
                    }
                    v = a.get(auto++);
                } else if (field.chars().allMatch(Character::isDigit)) {
                    int idx = Integer.parseInt(field);
                    if (idx >= a.size()) {
                        throw error("Replacement index " + idx + " out of range for positional args tuple");
                    }
                    v = a.get(idx);
                } else {
                    if (!k.containsKey(field)) {
                        throw error("KeyError: '" + field + "'");
                    }
                    v = k.get(field);
                }
                sb.append(Values.str(v));
                i = close;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
