package io.github.grpo4j.internal.tokenizer.jinja;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and tag tokens with jinja2's whitespace rules as transformers
 * configures them: {@code trim_blocks=True} (the first newline after a block or comment tag is
 * dropped), {@code lstrip_blocks=True} (spaces and tabs before a block or comment tag at the start of
 * a line are dropped), {@code -} on a tag strips all whitespace on that side, {@code +} on a block
 * opener turns lstrip off, and one trailing newline of the source is dropped
 * ({@code keep_trailing_newline=False}). Mirrors jinja2/lexer.py's {@code tokeniter}.
 */
final class Lexer {

    enum Type { TEXT, VAR_BEGIN, VAR_END, BLOCK_BEGIN, BLOCK_END, NAME, STRING, INT, FLOAT, OP, EOF }

    record Token(Type type, String value, int line) {
        boolean is(Type t, String v) {
            return type == t && value.equals(v);
        }

        boolean isName(String v) {
            return is(Type.NAME, v);
        }

        boolean isOp(String v) {
            return is(Type.OP, v);
        }

        @Override
        public String toString() {
            return switch (type) {
                case EOF -> "end of template";
                case BLOCK_END -> "'%}'";
                case VAR_END -> "'}}'";
                case STRING -> "string literal";
                default -> "'" + value + "'";
            };
        }
    }

    private static final String[] OPERATORS = {
        "//", "**", "==", "!=", "<=", ">=",
        "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}", "<", ">", "=", ".", ":", "|", ",", ";"
    };

    private final String src;
    private final String templateName;
    private final int[] lineStarts;
    private final List<Token> out = new ArrayList<>();

    private Lexer(String source, String templateName) {
        this.src = normalizeNewlines(source);
        this.templateName = templateName;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                starts.add(i + 1);
            }
        }
        this.lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    static List<Token> tokenize(String source, String templateName) {
        Lexer lexer = new Lexer(source, templateName);
        lexer.run();
        return lexer.out;
    }

    /** jinja2 splits on \r\n, \r, \n, drops one trailing empty line, and joins with \n. */
    static String normalizeNewlines(String s) {
        String n = s.replace("\r\n", "\n").replace('\r', '\n');
        return n.endsWith("\n") ? n.substring(0, n.length() - 1) : n;
    }

    private int lineAt(int pos) {
        int lo = 0;
        int hi = lineStarts.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (lineStarts[mid] <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo + 1;
    }

    private JinjaException error(int pos, String message) {
        return new JinjaException(templateName, lineAt(pos), message);
    }

    private void run() {
        int pos = 0;
        boolean lineStarting = true; // did the previous match end with a newline (or is this the start)?
        while (pos < src.length()) {
            int start = nextTagStart(pos);
            if (start < 0) {
                out.add(new Token(Type.TEXT, src.substring(pos), lineAt(pos)));
                break;
            }
            char kind = src.charAt(start + 1); // '{', '%' or '#'
            char sign = start + 2 < src.length() ? src.charAt(start + 2) : 0;
            boolean hasSign = sign == '-' || sign == '+';
            String text = src.substring(pos, start);
            if (sign == '-') {
                text = rstripWhitespace(text);
            } else if (sign != '+' && kind != '{') {
                int lpos = text.lastIndexOf('\n') + 1;
                if ((lpos > 0 || lineStarting) && lpos < text.length() && isAllWhitespace(text, lpos)) {
                    text = text.substring(0, lpos);
                }
            }
            if (!text.isEmpty()) {
                out.add(new Token(Type.TEXT, text, lineAt(pos)));
            }
            int inner = start + 2 + (hasSign && !(kind == '{' && sign == '+') ? 1 : 0);
            if (kind == '#') {
                int end = src.indexOf("#}", inner);
                if (end < 0) {
                    throw error(start, "comment '{#' is never closed with '#}'");
                }
                pos = afterTagEnd(end + 2, src.charAt(end - 1) == '-' && end - 1 >= inner, true);
            } else {
                boolean block = kind == '%';
                out.add(new Token(block ? Type.BLOCK_BEGIN : Type.VAR_BEGIN, block ? "{%" : "{{", lineAt(start)));
                pos = lexTag(inner, block, start);
            }
            lineStarting = pos > 0 && src.charAt(pos - 1) == '\n';
        }
        out.add(new Token(Type.EOF, "", lineAt(src.length())));
    }

    private int nextTagStart(int from) {
        int i = src.indexOf('{', from);
        while (i >= 0 && i + 1 < src.length()) {
            char c = src.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
            i = src.indexOf('{', i + 1);
        }
        return -1;
    }

    /** Position after a tag's closing marker, applying '-' (strip all whitespace) or trim_blocks. */
    private int afterTagEnd(int afterMarker, boolean dash, boolean trimBlocks) {
        int p = afterMarker;
        if (dash) {
            while (p < src.length() && PyStrings.isPySpace(src.charAt(p))) {
                p++;
            }
        } else if (trimBlocks && p < src.length() && src.charAt(p) == '\n') {
            p++;
        }
        return p;
    }

    /** Lexes the inside of a {{ }} or {% %} tag; returns the position after its end. */
    private int lexTag(int p, boolean block, int tagStart) {
        String end = block ? "%}" : "}}";
        int depth = 0; // open brackets: "}}" inside a dict literal closes the dict, not the tag
        while (true) {
            while (p < src.length() && PyStrings.isPySpace(src.charAt(p))) {
                p++;
            }
            if (p >= src.length()) {
                throw error(tagStart, "tag opened with '" + (block ? "{%" : "{{") + "' is never closed with '" + end + "'");
            }
            if (depth > 0) {
                int before = out.size();
                p = lexOne(p);
                String op = out.get(before).type() == Type.OP ? out.get(before).value() : "";
                depth += "([{".contains(op) && !op.isEmpty() ? 1 : ")]}".contains(op) && !op.isEmpty() ? -1 : 0;
                continue;
            }
            if (src.startsWith("-" + end, p)) {
                out.add(new Token(block ? Type.BLOCK_END : Type.VAR_END, end, lineAt(p)));
                return afterTagEnd(p + 3, true, false);
            }
            if (block && src.startsWith("+%}", p)) {
                out.add(new Token(Type.BLOCK_END, end, lineAt(p)));
                return p + 3;
            }
            if (src.startsWith(end, p)) {
                out.add(new Token(block ? Type.BLOCK_END : Type.VAR_END, end, lineAt(p)));
                return afterTagEnd(p + 2, false, block);
            }
            int before = out.size();
            p = lexOne(p);
            String op = out.get(before).type() == Type.OP ? out.get(before).value() : "";
            depth += "([{".contains(op) && !op.isEmpty() ? 1 : 0;
        }
    }

    private int lexOne(int p) {
        char c = src.charAt(p);
        int line = lineAt(p);
        if (c == '\'' || c == '"') {
            StringBuilder sb = new StringBuilder();
            int i = p + 1;
            while (true) {
                if (i >= src.length()) {
                    throw error(p, "string literal is never closed");
                }
                char ch = src.charAt(i);
                if (ch == c) {
                    break;
                }
                if (ch == '\\' && i + 1 < src.length()) {
                    i = unescape(i, sb);
                } else {
                    sb.append(ch);
                    i++;
                }
            }
            out.add(new Token(Type.STRING, sb.toString(), line));
            return i + 1;
        }
        if (Character.isDigit(c)) {
            int i = p;
            while (i < src.length() && (Character.isDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                i++;
            }
            boolean isFloat = false;
            if (i + 1 < src.length() && src.charAt(i) == '.' && Character.isDigit(src.charAt(i + 1))
                    && !(p > 0 && src.charAt(p - 1) == '.')) {
                isFloat = true;
                i++;
                while (i < src.length() && (Character.isDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                    i++;
                }
            }
            if (i < src.length() && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
                int j = i + 1;
                if (j < src.length() && (src.charAt(j) == '+' || src.charAt(j) == '-')) {
                    j++;
                }
                if (j < src.length() && Character.isDigit(src.charAt(j))) {
                    isFloat = true;
                    i = j;
                    while (i < src.length() && Character.isDigit(src.charAt(i))) {
                        i++;
                    }
                }
            }
            out.add(new Token(isFloat ? Type.FLOAT : Type.INT, src.substring(p, i).replace("_", ""), line));
            return i;
        }
        if (Character.isLetter(c) || c == '_') {
            int i = p + 1;
            while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) {
                i++;
            }
            out.add(new Token(Type.NAME, src.substring(p, i), line));
            return i;
        }
        for (String op : OPERATORS) {
            if (src.startsWith(op, p)) {
                out.add(new Token(Type.OP, op, line));
                return p + op.length();
            }
        }
        throw error(p, "unexpected character '" + c + "'");
    }

    /** Python's unicode_escape for one backslash sequence at {@code i}; returns the next position. */
    private int unescape(int i, StringBuilder sb) {
        char e = src.charAt(i + 1);
        switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case 'b' -> sb.append('\b');
            case 'f' -> sb.append('\f');
            case 'v' -> sb.append('\u000b');
            case 'a' -> sb.append('\u0007');
            case '0' -> sb.append('\0');
            case '\\', '\'', '"' -> sb.append(e);
            case '\n' -> { } // line continuation
            case 'x', 'u', 'U' -> {
                int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                if (i + 2 + n > src.length()) {
                    throw error(i, "truncated \\" + e + " escape in string literal");
                }
                try {
                    sb.appendCodePoint(Integer.parseInt(src.substring(i + 2, i + 2 + n), 16));
                } catch (NumberFormatException ex) {
                    throw error(i, "bad \\" + e + " escape in string literal");
                }
                return i + 2 + n;
            }
            default -> sb.append('\\').append(e); // Python keeps unknown escapes as written
        }
        return i + 2;
    }

    static String rstripWhitespace(String s) {
        int end = s.length();
        while (end > 0 && PyStrings.isPySpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static boolean isAllWhitespace(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!PyStrings.isPySpace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
