package io.github.grpo4j.internal.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CalculatorTest {
    private final Calculator calc = new Calculator();

    private String call(String e) {
        return calc.call(Map.of("expression", e));
    }

    @Test
    void computesExactly() {
        assertThat(call("1234*5678")).isEqualTo("7006652");
        assertThat(call("7/2")).isEqualTo("7/2");
        assertThat(call("0.1+0.2")).isEqualTo("3/10");
        assertThat(call("-(2+3)*-4")).isEqualTo("20");
        assertThat(call(" 2 + 3 * 4 - 6 / 3 ")).isEqualTo("12");
        assertThat(call("10/4*2")).isEqualTo("5");
    }

    @Test
    void productsMatchBigIntegerArithmetic() {
        Random rng = new Random(5);
        for (int i = 0; i < 200; i++) {
            long a = rng.nextInt(1_000_000);
            long b = rng.nextInt(1_000_000);
            long c = rng.nextInt(1000);
            String expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).subtract(BigInteger.valueOf(c)).toString();
            assertThat(call(a + "*" + b + "-" + c)).isEqualTo(expected);
        }
    }

    @Test
    void errorsAreThrownWithAReason() {
        assertThatThrownBy(() -> call("1/0")).hasMessage("division by zero");
        assertThatThrownBy(() -> call("2*")).hasMessageContaining("at character 3").hasMessageContaining("found the end");
        assertThatThrownBy(() -> call("2+x")).hasMessageContaining("found 'x'");
        assertThatThrownBy(() -> call("(2")).hasMessageContaining("expected ')'");
        assertThatThrownBy(() -> call("99999999999*99999999999")).hasMessageContaining("overflow");
        assertThatThrownBy(() -> calc.call(Map.of("expression", 3))).hasMessageContaining("must be a string");
        assertThatThrownBy(() -> calc.call(Map.of())).hasMessageContaining("got nothing");
    }

    @Test
    void itsSchemaIsWhatTransformersHandsToTemplates() {
        Map<String, Object> schema = calc.schema();
        assertThat(schema).containsEntry("type", "function");
        @SuppressWarnings("unchecked")
        Map<String, Object> fn = (Map<String, Object>) schema.get("function");
        assertThat(fn).containsEntry("name", "calculator").containsKeys("description", "parameters");
    }
}
