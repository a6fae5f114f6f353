package io.github.grpo4j.internal.tokenizer.jinja;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Hand-checked behaviour of the interpreter: error messages, extensions, value conversion. */
class JinjaTemplateTest {

    private static String render(String src, Map<String, ?> vars) {
        return JinjaTemplate.parse(src, "t").render(vars);
    }

    private static String render(String src) {
        return render(src, Map.of());
    }

    @Test
    void syntaxErrorNamesTemplateAndLine() {
        assertThatThrownBy(() -> JinjaTemplate.parse("line1\n{% if x %}\n{{ 1 + }}\n{% endif %}", "my template"))
                .isInstanceOf(JinjaException.class)
                .hasMessageStartingWith("my template line 3: ")
                .hasMessageContaining("unexpected '}}'")
                .satisfies(e -> assertThat(((JinjaException) e).line()).isEqualTo(3));
    }

    @Test
    void unclosedBlockSaysWhatWasExpected() {
        assertThatThrownBy(() -> JinjaTemplate.parse("{% for x in y %}\nbody", "t"))
                .isInstanceOf(JinjaException.class)
                .hasMessageContaining("unexpected end of template").hasMessageContaining("endfor");
        assertThatThrownBy(() -> JinjaTemplate.parse("a {{ b", "t"))
                .isInstanceOf(JinjaException.class).hasMessageContaining("never closed with '}}'");
        assertThatThrownBy(() -> JinjaTemplate.parse("{% endif %}", "t"))
                .isInstanceOf(JinjaException.class).hasMessageContaining("no block is open");
    }

    @Test
    void unsupportedTagIsNamed() {
        assertThatThrownBy(() -> JinjaTemplate.parse("\n\n{% include 'x' %}", "t"))
                .isInstanceOf(JinjaException.class)
                .hasMessageContaining("line 3").hasMessageContaining("unsupported tag 'include'");
    }

    @Test
    void runtimeErrorNamesTheLineAndTheUndefinedName() {
        assertThatThrownBy(() -> render("ok\n{% if true %}\n  {{ message.content }}\n{% endif %}"))
                .isInstanceOf(JinjaException.class)
                .hasMessage("t line 3: 'message' is undefined");
        assertThatThrownBy(() -> render("{{ m.a.b }}", Map.of("m", Map.of())))
                .hasMessageContaining("'dict object' has no attribute 'a'");
        assertThatThrownBy(() -> render("\n{{ 'a' + 1 }}"))
                .hasMessage("t line 2: can only concatenate str (not \"int\") to str");
        assertThatThrownBy(() -> render("{{ x|nosuch }}", Map.of("x", 1)))
                .hasMessageContaining("no filter named 'nosuch'");
        assertThatThrownBy(() -> render("{{ x is nosuch }}", Map.of("x", 1)))
                .hasMessageContaining("no test named 'nosuch'");
    }

    @Test
    void raiseExceptionCarriesTheTemplatesMessage() {
        assertThatThrownBy(() -> render("{% for m in messages %}\n{{ raise_exception('Roles must alternate') }}\n"
                + "{% endfor %}", Map.of("messages", List.of(1))))
                .isInstanceOf(JinjaException.class)
                .hasMessage("t line 2: the template raised an error: Roles must alternate");
    }

    @Test
    void setAttributeOnANonNamespaceIsAnError() {
        assertThatThrownBy(() -> render("{% set d = {} %}{% set d.x = 1 %}"))
                .hasMessageContaining("only namespace() objects can be assigned to");
    }

    @Test
    void generationTagRendersItsBody() {
        assertThat(render("{% generation %}in{% endgeneration %}|out")).isEqualTo("in|out");
    }

    @Test
    void namespaceSurvivesLoopsButPlainSetDoesNot() {
        String src = "{% set ns = namespace(found=false, idx=-1) %}{% set plain = 'before' %}"
                + "{% for m in messages %}{% if m.role == 'user' %}{% set ns.found = true %}{% set ns.idx = loop.index0 %}"
                + "{% set plain = 'inside' %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.idx }} {{ plain }}";
        List<Map<String, Object>> msgs = List.of(Map.of("role", "system"), Map.of("role", "user"), Map.of("role", "x"));
        assertThat(render(src, Map.of("messages", msgs))).isEqualTo("True 1 before");
    }

    @Test
    void javaValuesAreConvertedToPythonValues() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("i", 3);
        vars.put("f", 1.5f);
        vars.put("arr", new Object[] {1, "a"});
        vars.put("n", null);
        vars.put("json", new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("k", 2));
        assertThat(render("{{ i + 1 }} {{ f * 2 }} {{ arr }} {{ n }} {{ json.k + 1 }} {{ i is integer }}", vars))
                .isEqualTo("4 3.0 [1, 'a'] None 3 True");
    }

    @Test
    void callerDataIsNotModified() {
        Map<String, Object> msg = new HashMap<>(Map.of("role", "user", "content", "x"));
        render("{% set m = messages[0] %}{{ m.content }}", Map.of("messages", List.of(msg)));
        assertThat(msg).containsExactlyInAnyOrderEntriesOf(Map.of("role", "user", "content", "x"));
    }

    @Test
    void sourceWithoutTagsIsReturnedAsIsExceptOneTrailingNewline() {
        assertThat(render("plain { text } %}\n")).isEqualTo("plain { text } %}");
    }

    @Test
    void floatReprMatchesPythonOnKnownValues() {
        assertThat(Values.floatRepr(0.1)).isEqualTo("0.1");
        assertThat(Values.floatRepr(1e22)).isEqualTo("1e+22");
        assertThat(Values.floatRepr(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(Values.floatRepr(123.0)).isEqualTo("123.0");
        assertThat(Values.floatRepr(9007199254740993.0)).isEqualTo("9007199254740992.0");
        assertThat(Values.floatRepr(-2.5)).isEqualTo("-2.5");
    }

    @Property(tries = 300)
    void floatReprRoundTrips(@ForAll double d) {
        String s = Values.floatRepr(d);
        if (Double.isFinite(d)) {
            assertThat(Double.parseDouble(s)).isEqualTo(d);
        }
    }
}
