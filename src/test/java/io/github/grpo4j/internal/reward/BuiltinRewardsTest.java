package io.github.grpo4j.internal.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuiltinRewardsTest {

    private static Double score(RewardFunction f, String completion, Map<String, Object> row) {
        return f.score(List.of(RewardInput.of("p", completion, row))).get(0);
    }

    private static Double scoreTokens(RewardFunction f, String completion, int tokens) {
        return f.score(List.of(new RewardInput("p", completion, Map.of(), tokens, false))).get(0);
    }

    @Test
    void exactMatchComparesTrimmedCompletionToAnswerField() {
        RewardFunction f = RewardRegistry.create("exact_match", Map.of());
        assertThat(f.name()).isEqualTo("exact_match");
        assertThat(score(f, "  95\n", Map.of("answer", "95"))).isEqualTo(1.0);
        assertThat(score(f, "95", Map.of("answer", 95))).isEqualTo(1.0);
        assertThat(score(f, "95", Map.of("answer", 95.0))).isEqualTo(1.0);
        assertThat(score(f, "095", Map.of("answer", "95"))).isEqualTo(0.0);
        assertThat(score(f, "", Map.of("answer", "95"))).isEqualTo(0.0);
    }

    @Test
    void exactMatchWithTagUsesLastTagContentAndOtherField() {
        RewardFunction f = RewardRegistry.create("ans", "exact_match", Map.of("field", "gold", "tag", "answer"));
        assertThat(score(f, "<answer>1</answer> hmm <answer> Paris </answer>", Map.of("gold", "Paris"))).isEqualTo(1.0);
        assertThat(score(f, "Paris", Map.of("gold", "Paris"))).isEqualTo(0.0); // no tag: no answer given
        RewardFunction ci = RewardRegistry.create("exact_match", Map.of("ignore_case", true));
        assertThat(score(ci, "paris", Map.of("answer", "PARIS"))).isEqualTo(1.0);
    }

    @Test
    void exactMatchWithExtractRegexUsesGroupOne() {
        RewardFunction f = RewardRegistry.create("exact_match", Map.of("extract", "#### (\\S+)"));
        assertThat(score(f, "work...\n#### 72", Map.of("answer", "72"))).isEqualTo(1.0);
        assertThat(score(f, "72", Map.of("answer", "72"))).isEqualTo(0.0);
    }

    @Test
    void missingRowFieldIsAConfigErrorButNullValueIsNotApplicable() {
        RewardFunction f = RewardRegistry.create("exact_match", Map.of());
        assertThatThrownBy(() -> score(f, "1", Map.of("solution", "1")))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("no field 'answer'")
                .hasMessageContaining("solution");
        Map<String, Object> row = new HashMap<>();
        row.put("answer", null);
        assertThat(score(f, "1", row)).isNull();
    }

    @Test
    void numericMatchTakesLastNumberWithTolerance() {
        RewardFunction f = RewardRegistry.create("numeric_match", Map.of("tolerance", 0.01));
        assertThat(score(f, "3 apples and 4 pears make 7", Map.of("answer", 7))).isEqualTo(1.0);
        assertThat(score(f, "it is 7.004", Map.of("answer", "7"))).isEqualTo(1.0);
        assertThat(score(f, "it is 7.02", Map.of("answer", "7"))).isEqualTo(0.0);
        assertThat(score(f, "total: 1,234", Map.of("answer", 1234))).isEqualTo(1.0);
        assertThat(score(f, "x = -5", Map.of("answer", -5))).isEqualTo(1.0);
        assertThat(score(f, "no number here", Map.of("answer", 7))).isEqualTo(0.0);
        assertThat(score(f, "7 then 8", Map.of("answer", 7))).isEqualTo(0.0);
    }

    @Test
    void numericMatchRejectsNonNumericAnswerField() {
        RewardFunction f = RewardRegistry.create("numeric_match", Map.of());
        assertThatThrownBy(() -> score(f, "7", Map.of("answer", "seven"))).hasMessageContaining("'seven', not a number");
    }

    @Test
    void lastNumberParsesSignsDecimalsAndGroups() {
        assertThat(NumericMatchReward.lastNumber("a 1 b -2.5")).isEqualTo(-2.5);
        assertThat(NumericMatchReward.lastNumber("12,345,678 items")).isEqualTo(12345678.0);
        assertThat(NumericMatchReward.lastNumber("none")).isNull();
    }

    @Test
    void regexSearchesAndFormatMatchesFully() {
        RewardFunction search = RewardRegistry.create("regex", Map.of("pattern", "\\d+", "matched", 0.5, "unmatched", -0.5));
        assertThat(score(search, "abc 12 def", Map.of())).isEqualTo(0.5);
        assertThat(score(search, "abc", Map.of())).isEqualTo(-0.5);
        RewardFunction full = RewardRegistry.create("regex", Map.of("pattern", "\\d+", "mode", "full"));
        assertThat(score(full, "abc 12", Map.of())).isEqualTo(0.0);
        assertThat(score(full, "12", Map.of())).isEqualTo(1.0);
        RewardFunction format = RewardRegistry.create("format", Map.of());
        assertThat(score(format, "<think>\nsteps\n</think>\n<answer>4</answer>\n", Map.of())).isEqualTo(1.0);
        assertThat(score(format, "<answer>4</answer>", Map.of())).isEqualTo(0.0);
        assertThat(score(format, "<think>x</think><answer>4</answer> trailing", Map.of())).isEqualTo(0.0);
    }

    @Test
    void regexNeedsAValidPattern() {
        assertThatThrownBy(() -> RewardRegistry.create("regex", Map.of())).hasMessageContaining("'pattern' is required");
        assertThatThrownBy(() -> RewardRegistry.create("regex", Map.of("pattern", "(")))
                .hasMessageContaining("not a valid regular expression");
        assertThatThrownBy(() -> RewardRegistry.create("regex", Map.of("pattern", "a", "mode", "partial")))
                .hasMessageContaining("full, search");
    }

    @Test
    void lengthPenaltyIsCoefficientTimesDistanceToTarget() {
        RewardFunction plain = RewardRegistry.create("length", Map.of("coefficient", 0.1));
        assertThat(scoreTokens(plain, "x", 30)).isCloseTo(-3.0, within(1e-12));
        RewardFunction target = RewardRegistry.create("length", Map.of("coefficient", 0.5, "target", 4, "unit", "chars"));
        assertThat(score(target, "abcd", Map.of())).isEqualTo(-0.0);
        assertThat(score(target, "ab", Map.of())).isEqualTo(-1.0);
        assertThat(score(target, "abcdefg", Map.of())).isEqualTo(-1.5);
    }

    @Test
    void overlongPenaltyFollowsDapoFormula() {
        // L_max = 20, L_cache = 4: free up to 16, then (16 - len) / 4, -1 beyond 20
        RewardFunction f = RewardRegistry.create("overlong_penalty", Map.of("max_length", 20, "cache", 4));
        assertThat(scoreTokens(f, "", 0)).isEqualTo(0.0);
        assertThat(scoreTokens(f, "", 16)).isEqualTo(0.0);
        assertThat(scoreTokens(f, "", 17)).isEqualTo(-0.25);
        assertThat(scoreTokens(f, "", 18)).isEqualTo(-0.5);
        assertThat(scoreTokens(f, "", 20)).isEqualTo(-1.0);
        assertThat(scoreTokens(f, "", 21)).isEqualTo(-1.0);
        assertThat(OverlongPenalty.penalty(10, 10, 0)).isEqualTo(0.0);
        assertThat(OverlongPenalty.penalty(11, 10, 0)).isEqualTo(-1.0);
    }

    @Test
    void overlongPenaltyValidatesParameters() {
        assertThatThrownBy(() -> RewardRegistry.create("overlong_penalty", Map.of("max_length", 20)))
                .hasMessageContaining("'cache' is required");
        assertThatThrownBy(() -> RewardRegistry.create("overlong_penalty", Map.of("max_length", 20, "cache", 30)))
                .hasMessageContaining("[0, max_length=20]");
        assertThatThrownBy(() -> RewardRegistry.create("overlong_penalty", Map.of("max_length", 2.5, "cache", 1)))
                .hasMessageContaining("expected an integer");
    }

    @Test
    void registryRejectsUnknownTypesAndParametersWithSuggestions() {
        assertThatThrownBy(() -> RewardRegistry.create("exact_mach", Map.of()))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("did you mean 'exact_match'")
                .hasMessageContaining("overlong_penalty: max_length, cache");
        assertThatThrownBy(() -> RewardRegistry.create("exact_match", Map.of("feild", "x")))
                .hasMessageContaining("unknown parameter 'feild'")
                .hasMessageContaining("did you mean 'field'");
        assertThatThrownBy(() -> RewardRegistry.create("numeric_match", Map.of("tolerance", "lots")))
                .hasMessageContaining("'tolerance' is 'lots'; expected a finite number");
        assertThatThrownBy(() -> RewardRegistry.create("exact_match", Map.of("tag", "a", "extract", "b")))
                .hasMessageContaining("cannot be combined");
        assertThat(RewardRegistry.types()).contains("exact_match", "numeric_match", "regex", "format", "length",
                "overlong_penalty", "external");
    }
}
