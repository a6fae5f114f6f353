package io.github.grpo4j.data.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.reward.RewardInput;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartialCreditTest {

    @Test
    void matchingPositionsCountsSameCharactersInPlaceOverTheLongerString() {
        assertThat(Tasks.matchingPositions("042", "042")).isEqualTo(1.0);
        assertThat(Tasks.matchingPositions("041", "042")).isEqualTo(2.0 / 3);
        assertThat(Tasks.matchingPositions("420", "042")).isEqualTo(0.0);
        assertThat(Tasks.matchingPositions("0421", "042")).isEqualTo(3.0 / 4); // an extra character costs
        assertThat(Tasks.matchingPositions("04", "042")).isEqualTo(2.0 / 3);
        assertThat(Tasks.matchingPositions("", "")).isEqualTo(1.0);
    }

    @Test
    void arithmeticPartialCreditScoresDigitsInPlaceAndOnlyArithmeticHasOne() {
        var reward = Tasks.byName("arithmetic").partialCredit();
        assertThat(reward.name()).isEqualTo("arithmetic_digits");
        var scores = reward.score(List.of(
                RewardInput.of("07+35=", "042", Map.of("answer", "042")),
                RewardInput.of("07+35=", " 043\n", Map.of("answer", "042")),
                RewardInput.of("07+35=", "x", Map.of("answer", "042"))));
        assertThat(scores).containsExactly(1.0, 2.0 / 3, 0.0);
        assertThat(Tasks.byName("sort").partialCredit()).isNull();
        assertThat(Tasks.byName("countdown").partialCredit()).isNull();
    }
}
