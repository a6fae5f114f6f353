package io.github.grpo4j.internal.data.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TasksTest {

    private static double score(RewardFunction f, String completion, Map<String, Object> row) {
        return f.score(List.of(RewardInput.of((String) row.get("prompt"), completion, row))).get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"arithmetic", "countdown", "sort"})
    void trainAndHeldOutAreDisjointForAnySeeds(String name) {
        Task task = Tasks.byName(name);
        Set<Object> train = new HashSet<>();
        for (long seed = 0; seed < 3; seed++) {
            task.rows(Split.TRAIN, 300, seed).forEach(r -> train.add(((SyntheticTask) task).splitKey(r)));
        }
        List<Map<String, Object>> held = task.rows(Split.HELD_OUT, 100, 99);
        assertThat(held).hasSize(100);
        for (Map<String, Object> r : held) {
            assertThat(train).doesNotContain(((SyntheticTask) task).splitKey(r));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"arithmetic", "countdown", "sort"})
    void rowsAreDeterministicDistinctAndSeedDependent(String name) {
        Task task = Tasks.byName(name);
        List<Map<String, Object>> a = task.rows(Split.TRAIN, 50, 7);
        assertThat(Tasks.byName(name).rows(Split.TRAIN, 50, 7)).isEqualTo(a);
        assertThat(task.rows(Split.TRAIN, 50, 8)).isNotEqualTo(a);
        assertThat(a.stream().map(r -> r.get("prompt")).distinct().count()).isEqualTo(50);
        Iterator<Map<String, Object>> s1 = task.stream(Split.TRAIN, 3);
        Iterator<Map<String, Object>> s2 = task.stream(Split.TRAIN, 3);
        for (int i = 0; i < 20; i++) {
            assertThat(s1.next()).isEqualTo(s2.next());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"arithmetic", "countdown", "sort"})
    void answersPassVerifierAndFormatAndFitAlphabetAndLengths(String name) {
        Task task = Tasks.byName(name);
        for (Split split : Split.values()) {
            for (Map<String, Object> row : task.rows(split, 200, 1)) {
                String prompt = (String) row.get("prompt");
                String answer = (String) row.get("answer");
                assertThat(score(task.verifier(), answer, row)).as(row.toString()).isEqualTo(1.0);
                assertThat(score(task.format(), answer, row)).as(row.toString()).isEqualTo(1.0);
                assertThat(score(task.verifier(), " " + answer + "\n", row)).isEqualTo(1.0);
                (prompt + answer).chars().forEach(c -> assertThat(task.alphabet()).as(row.toString()).contains(String.valueOf((char) c)));
                assertThat(answer.length() + 1).isLessThanOrEqualTo(task.maxCompletionLength());
                assertThat(prompt.length()).isLessThanOrEqualTo(task.maxPromptLength());
            }
        }
        assertThat(task.alphabet().chars().distinct().count()).isEqualTo(task.alphabet().length());
        assertThat(task.rewards()).extracting(RewardFunction::name).containsExactly(name + "_correct", name + "_format");
    }

    @Test
    void arithmeticRowsAndRewards() {
        Task t = Tasks.create("arithmetic", Map.of("digits", 1, "operators", "-"));
        Map<String, Object> row = t.rows(Split.TRAIN, 1, 0).get(0);
        int a = (int) row.get("a");
        int b = (int) row.get("b");
        assertThat(row.get("prompt")).isEqualTo(a + "-" + b + "=");
        assertThat(row.get("answer")).isEqualTo(Integer.toString(a - b));
        Map<String, Object> r = Map.of("prompt", "3-8=", "answer", "-5");
        assertThat(score(t.verifier(), "-5", r)).isEqualTo(1.0);
        assertThat(score(t.verifier(), "5", r)).isEqualTo(0.0);
        assertThat(score(t.verifier(), "-05", r)).isEqualTo(0.0);
        assertThat(score(t.format(), "5", r)).isEqualTo(1.0);
        assertThat(score(t.format(), "5a", r)).isEqualTo(0.0);
        assertThat(score(t.format(), "", r)).isEqualTo(0.0);
        assertThat(t.alphabet()).isEqualTo("-0123456789=");
        assertThat(Tasks.create("arithmetic", Map.of("digits", 3, "operators", "*")).maxCompletionLength()).isEqualTo(7);
    }

    @Test
    void arithmeticDefaultIsPaddedTwoDigitAdditionLikeTheCalibrationRun() {
        Task t = Tasks.byName("arithmetic");
        for (Map<String, Object> row : t.rows(Split.TRAIN, 100, 4)) {
            int a = (int) row.get("a");
            int b = (int) row.get("b");
            assertThat(row.get("prompt")).isEqualTo(String.format("%02d+%02d=", a, b));
            assertThat(row.get("answer")).isEqualTo(String.format("%03d", a + b));
        }
        Map<String, Object> r = Map.of("prompt", "07+35=", "answer", "042");
        assertThat(score(t.verifier(), "042", r)).isEqualTo(1.0);
        assertThat(score(t.verifier(), "42", r)).isEqualTo(0.0);
        assertThat(score(t.format(), "42", r)).isEqualTo(0.0); // wrong width
        assertThat(score(t.format(), "999", r)).isEqualTo(1.0);
        assertThat(t.maxCompletionLength()).isEqualTo(4);
        assertThat(t.alphabet()).isEqualTo("+0123456789=");
        Task minus = Tasks.create("arithmetic", Map.of("operators", "-"));
        Map<String, Object> neg = minus.rows(Split.TRAIN, 200, 0).stream()
                .filter(x -> (int) x.get("a") < (int) x.get("b")).findFirst().orElseThrow();
        int diff = (int) neg.get("b") - (int) neg.get("a");
        assertThat(neg.get("answer")).isEqualTo(String.format("-%02d", diff));
        Task plain = Tasks.create("arithmetic", Map.of("pad", false, "operators", "+-*"));
        for (Map<String, Object> row : plain.rows(Split.TRAIN, 100, 4)) {
            int a = (int) row.get("a");
            int b = (int) row.get("b");
            String op = (String) row.get("op");
            int want = op.equals("+") ? a + b : op.equals("-") ? a - b : a * b;
            assertThat(row.get("prompt")).isEqualTo(a + op + b + "=");
            assertThat(row.get("answer")).isEqualTo(Integer.toString(want));
        }
        assertThat(score(plain.format(), "42", r)).isEqualTo(1.0);
    }

    @Test
    void countdownVerifierChecksNumbersAndTarget() {
        Task t = Tasks.byName("countdown");
        Map<String, Object> row = Map.of("prompt", "nums 3 7 25 target 71:", "answer", "25*3-7+3",
                "nums", List.of(3, 7, 25), "target", 71);
        RewardFunction v = t.verifier();
        assertThat(score(v, "25*3-7+3", row)).isEqualTo(0.0); // uses 3 twice
        Map<String, Object> row2 = Map.of("prompt", "nums 3 7 25 target 68:", "nums", List.of(3, 7, 25), "target", 68);
        assertThat(score(v, "25*3-7", row2)).isEqualTo(1.0);
        assertThat(score(v, "3*25-7", row2)).isEqualTo(1.0); // any order
        assertThat(score(v, "(25*3)-7", row2)).isEqualTo(1.0);
        assertThat(score(v, "25*3-8+1", row2)).isEqualTo(0.0); // numbers not given
        assertThat(score(v, "25*3", row2)).isEqualTo(0.0); // 7 unused: each number exactly once
        assertThat(score(v, "25*3-7*1", row2)).isEqualTo(0.0); // extra number
        assertThat(score(v, "25*3-7=68", row2)).isEqualTo(0.0); // answers are bare expressions
        assertThat(score(v, "25*3-", row2)).isEqualTo(0.0); // malformed
        Map<String, Object> frac = Map.of("prompt", "x", "nums", List.of(7, 2, 4), "target", 14);
        assertThat(score(v, "7/2*4", frac)).isEqualTo(1.0); // fractional intermediate, exact
        Map<String, Object> zero = Map.of("prompt", "x", "nums", List.of(5, 3, 3), "target", 5);
        assertThat(score(v, "5/(3-3)", zero)).isEqualTo(0.0); // division by zero
        assertThat(score(t.format(), "5/(3-3)", zero)).isEqualTo(1.0); // but well-formed
        assertThat(score(t.format(), "5/(3-", zero)).isEqualTo(0.0);
        Map<String, Object> longs = Map.of("prompt", "x", "nums", List.of(2L, 3L), "target", 6L); // as a JSON loader may give
        assertThat(score(v, "2*3", longs)).isEqualTo(1.0);
        assertThatThrownBy(() -> score(v, "2*3", Map.of("prompt", "x"))).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("'nums' and 'target'");
    }

    @Test
    void countdownRowsAreSolvableAndPromptListsNumbers() {
        Task t = Tasks.create("countdown", Map.of("numbers", 4, "max_number", 50));
        for (Map<String, Object> row : t.rows(Split.TRAIN, 100, 5)) {
            @SuppressWarnings("unchecked")
            List<Integer> nums = (List<Integer>) row.get("nums");
            int target = (int) row.get("target");
            assertThat(nums).hasSize(4).allMatch(n -> n >= 1 && n <= 50);
            assertThat(target).isBetween(1, 100);
            StringBuilder expected = new StringBuilder("nums");
            nums.forEach(n -> expected.append(' ').append(n));
            assertThat(row.get("prompt")).isEqualTo(expected + " target " + target + ":");
            assertThat(CountdownTask.isCorrect((String) row.get("answer"), row)).isTrue();
        }
    }

    @Test
    void sortRowsAndRewards() {
        Task t = Tasks.create("sort", Map.of("symbols", "letters", "min_length", 2, "max_length", 4));
        Map<String, Object> row = Map.of("prompt", "sort dbca:", "answer", "abcd", "items", "dbca");
        assertThat(score(t.verifier(), "abcd", row)).isEqualTo(1.0);
        assertThat(score(t.verifier(), "abdc", row)).isEqualTo(0.0);
        assertThat(score(t.format(), "abdc", row)).isEqualTo(1.0);
        assertThat(score(t.format(), "abc", row)).isEqualTo(0.0);
        assertThat(score(t.format(), "ab1d", row)).isEqualTo(0.0);
        for (Map<String, Object> r : t.rows(Split.TRAIN, 50, 2)) {
            String items = (String) r.get("items");
            assertThat(items.length()).isBetween(2, 4);
            assertThat(r.get("prompt")).isEqualTo("sort " + items + ":");
        }
        assertThat(t.alphabet()).isEqualTo(" :abcdefghijklmnopqrstuvwxyz");
    }

    @Test
    void askingForMoreDistinctRowsThanExistIsAClearError() {
        // 1-digit '+': 100 problems, about 10 held out
        Task t = Tasks.create("arithmetic", Map.of("digits", 1, "operators", "+"));
        assertThatThrownBy(() -> t.rows(Split.HELD_OUT, 50, 0))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("distinct held_out problems")
                .hasMessageContaining("arithmetic(digits=1, operators=+, pad=true)");
        Task none = Tasks.create("arithmetic", Map.of("held_out_fraction", 0));
        assertThat(none.rows(Split.HELD_OUT, 0, 0)).isEmpty();
        assertThatThrownBy(() -> none.stream(Split.HELD_OUT, 0).next()).hasMessageContaining("no held_out problem");
    }

    @Test
    void heldOutShareIsRoughlyTheFraction() {
        Task t = Tasks.create("arithmetic", Map.of("held_out_fraction", 0.25));
        int held = 0;
        Iterator<Map<String, Object>> all = Tasks.create("arithmetic", Map.of("held_out_fraction", 0)).stream(Split.TRAIN, 1);
        for (int i = 0; i < 4000; i++) {
            if (((SyntheticTask) t).splitOf(all.next()) == Split.HELD_OUT) {
                held++;
            }
        }
        assertThat(held / 4000.0).isBetween(0.21, 0.29);
    }

    @Test
    void unknownTaskOrParameterIsAClearError() {
        assertThatThrownBy(() -> Tasks.byName("countdwn")).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("did you mean 'countdown'").hasMessageContaining("arithmetic, countdown, sort");
        assertThatThrownBy(() -> Tasks.create("sort", Map.of("length", 3))).hasMessageContaining("unknown parameter 'length'");
        assertThatThrownBy(() -> Tasks.create("arithmetic", Map.of("operators", "/"))).hasMessageContaining("subset of '+-*'");
        assertThatThrownBy(() -> Tasks.create("sort", Map.of("symbols", "aa"))).hasMessageContaining("distinct characters");
        assertThatThrownBy(() -> Tasks.create("countdown", Map.of("numbers", 9))).hasMessageContaining("2..6");
        assertThat(Split.parse("held-out")).isEqualTo(Split.HELD_OUT);
        assertThatThrownBy(() -> Split.parse("dev")).hasMessageContaining("train or held_out");
    }
}
