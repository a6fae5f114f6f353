package io.github.grpo4j.internal.data.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CountdownExpressionTest {

    @Test
    void evaluatesWithPrecedenceAndParentheses() {
        assertThat(CountdownExpression.parse("2+3*4").value()).isEqualTo(Rational.of(14));
        assertThat(CountdownExpression.parse("(2+3)*4").value()).isEqualTo(Rational.of(20));
        assertThat(CountdownExpression.parse("10-4-3").value()).isEqualTo(Rational.of(3)); // left-associative
        assertThat(CountdownExpression.parse("48/4/2").value()).isEqualTo(Rational.of(6));
        assertThat(CountdownExpression.parse(" 25 + 50 - 7 ").numbers()).containsExactly(25, 50, 7);
    }

    @Test
    void keepsExactFractionsInIntermediateValues() {
        assertThat(CountdownExpression.parse("7/2*2").value()).isEqualTo(Rational.of(7));
        assertThat(CountdownExpression.parse("1/3+1/3+1/3").value()).isEqualTo(Rational.of(1));
        assertThat(CountdownExpression.parse("1/3").value()).isEqualTo(new Rational(1, 3));
        assertThat(CountdownExpression.parse("2-7").value()).isEqualTo(Rational.of(-5));
    }

    @Test
    void divisionByZeroIsWellFormedButUndefined() {
        CountdownExpression.Parsed p = CountdownExpression.parse("5/(3-3)+1");
        assertThat(p.value()).isNull();
        assertThat(p.numbers()).containsExactly(5, 3, 3, 1);
    }

    @Test
    void rejectsMalformedExpressions() {
        for (String bad : List.of("", "3+", "(3+4", "3+4)", "-3+4", "3.5+1", "3 4", "3x4", "()", "3+*4", "1234567890+1")) {
            assertThat(CountdownExpression.tryParse(bad)).as(bad).isNull();
        }
        assertThatThrownBy(() -> CountdownExpression.parse("3+4)")).hasMessageContaining("unexpected ')' at position 3");
    }

    @Test
    void rationalArithmeticIsExactAndNormalized() {
        assertThat(new Rational(2, -4)).isEqualTo(new Rational(-1, 2));
        assertThat(new Rational(1, 2).add(new Rational(1, 3))).isEqualTo(new Rational(5, 6));
        assertThat(new Rational(3, 4).divide(new Rational(3, 2))).isEqualTo(new Rational(1, 2));
        assertThatThrownBy(() -> Rational.of(1).divide(Rational.of(0))).isInstanceOf(ArithmeticException.class);
    }
}
