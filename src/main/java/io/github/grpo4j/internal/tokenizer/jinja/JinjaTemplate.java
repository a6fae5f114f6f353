package io.github.grpo4j.internal.tokenizer.jinja;

import io.github.grpo4j.internal.tokenizer.jinja.Ast.Node;
import java.util.List;
import java.util.Map;

/**
 * A parsed Jinja template, rendered the way transformers renders chat templates: jinja2 with
 * {@code trim_blocks=True}, {@code lstrip_blocks=True}, the loop-controls extension
 * ({@code break}/{@code continue}), the {@code generation} tag, transformers' {@code tojson}
 * (Python {@code json.dumps}, {@code ensure_ascii=False}) and the globals {@code raise_exception},
 * {@code strftime_now}, {@code namespace}, {@code range}, {@code dict}.
 *
 * <p>It covers the subset of Jinja chat templates use (if/elif/else, for with loop.* and else and
 * an inline filter, set incl. {@code ns.attr} and block set, macros, filters, tests, slices, Python
 * string and dict methods). It is not a general Jinja engine: no inheritance, include, call blocks,
 * autoescape or sandbox (templates come from model files the user chose). Undefined variables behave
 * like jinja2's default {@code Undefined}. Errors are {@link JinjaException}s naming the line.
 *
 * <p>Thread-safe: a parsed template can be rendered concurrently.
 */
public final class JinjaTemplate {
    private final String name;
    private final List<Node> nodes;

    private JinjaTemplate(String name, List<Node> nodes) {
        this.name = name;
        this.nodes = nodes;
    }

    /**
     * Parses {@code source}.
     *
     * @param name what error messages call the template, e.g. {@code "chat_template in /m/tokenizer_config.json"}
     * @throws JinjaException on a syntax error, naming the line
     */
    public static JinjaTemplate parse(String source, String name) {
        return new JinjaTemplate(name, Parser.parse(source, name));
    }

    /**
     * Renders with the given variables. Values may be Java Strings, numbers, Booleans, null (None),
     * Maps, Lists/arrays and Jackson JsonNodes; they are copied, never modified.
     *
     * @throws JinjaException when rendering fails (undefined value used, type error,
     *     {@code raise_exception(...)}), naming the line
     */
    public String render(Map<String, ?> variables) {
        @SuppressWarnings("unchecked")
        Map<String, Object> vars = (Map<String, Object>) variables;
        return new Interpreter(name).render(nodes, vars);
    }

    public String name() {
        return name;
    }
}
