package io.github.grpo4j.internal.data.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class TaskPropertiesTest {

    @Property(tries = 200)
    void rationalArithmeticAgreesWithDoubles(
            @ForAll @IntRange(min = -50, max = 50) int a, @ForAll @IntRange(min = 1, max = 50) int b,
            @ForAll @IntRange(min = -50, max = 50) int c, @ForAll @IntRange(min = 1, max = 50) int d) {
        Rational x = new Rational(a, b);
        Rational y = new Rational(c, d);
        double xd = (double) a / b;
        double yd = (double) c / d;
        assertThat(value(x.add(y))).isCloseTo(xd + yd, within(1e-9));
        assertThat(value(x.subtract(y))).isCloseTo(xd - yd, within(1e-9));
        assertThat(value(x.multiply(y))).isCloseTo(xd * yd, within(1e-9));
        if (c != 0) {
            assertThat(value(x.divide(y))).isCloseTo(xd / yd, within(1e-9));
        }
    }

    private static double value(Rational r) {
        return (double) r.num() / r.den();
    }

    @Property(tries = 50)
    void everyGeneratedCountdownAnswerIsAccepted(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed, @ForAll @IntRange(min = 2, max = 6) int numbers) {
        Task t = Tasks.create("countdown", Map.of("numbers", numbers, "max_number", 30, "max_target", 500));
        for (Map<String, Object> row : t.rows(Split.TRAIN, 5, seed)) {
            assertThat(CountdownTask.isCorrect((String) row.get("answer"), row)).as(row.toString()).isTrue();
            assertThat(((String) row.get("answer")).length() + 1).isLessThanOrEqualTo(t.maxCompletionLength());
        }
    }
}
