package io.github.grpo4j.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The small pieces of the report: escaping, number format, key order, sample-step choice, thinning. */
class ReportPartsTest {

    @Test
    void escapesTheFiveHtmlSpecialCharacters() {
        assertThat(HtmlReport.esc("<a href=\"x\">Tom & Jerry's</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
        assertThat(HtmlReport.esc("plain ≠ text")).isEqualTo("plain ≠ text");
    }

    @Test
    void formatsNumbersWithFourSignificantDigitsAndIntegersAsIntegers() {
        assertThat(HtmlReport.number(3.0)).isEqualTo("3");
        assertThat(HtmlReport.number(-1234.0)).isEqualTo("-1234");
        assertThat(HtmlReport.number(0.123456)).isEqualTo("0.1235");
        assertThat(HtmlReport.number(1.0 / 3)).isEqualTo("0.3333");
        assertThat(HtmlReport.number(0.5)).isEqualTo("0.5");
        assertThat(HtmlReport.number(1.5e-6)).isEqualTo("1.500e-06");
        assertThat(HtmlReport.number(Double.NaN)).isEqualTo("NaN");
        assertThat(HtmlReport.number(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }

    @Test
    void ordersKeysAsTheSpecListsThemWithPerFunctionRewardsAfterRewardStdAndEvalBeforeUnknown() {
        List<String> keys = new ArrayList<>(List.of("zeta", "eval/reward", "step_time", "rewards/b/mean",
                "kl", "rewards/a/std", "reward_std", "eval/accuracy", "loss", "rewards/a/mean", "alpha",
                "frac_reward_zero_std"));
        keys.sort(MetricKeys.ORDER);
        assertThat(keys).containsExactly("loss", "reward_std", "rewards/a/mean", "rewards/a/std", "rewards/b/mean",
                "frac_reward_zero_std", "kl", "step_time", "eval/accuracy", "eval/reward", "alpha", "zeta");
    }

    @Test
    void bestMeansHighestForRewardsAndAccuracyLowestForStepTimeAndNothingForKl() {
        assertThat(MetricKeys.direction("reward")).contains(MetricKeys.Direction.HIGHER_IS_BETTER);
        assertThat(MetricKeys.direction("rewards/fmt/mean")).contains(MetricKeys.Direction.HIGHER_IS_BETTER);
        assertThat(MetricKeys.direction("eval/accuracy")).contains(MetricKeys.Direction.HIGHER_IS_BETTER);
        assertThat(MetricKeys.direction("step_time")).contains(MetricKeys.Direction.LOWER_IS_BETTER);
        assertThat(MetricKeys.direction("kl")).isEmpty();
        assertThat(MetricKeys.direction("rewards/fmt/std")).isEmpty();
    }

    @Test
    void middleSampleStepIsTheOneNearestTheMidpointTakingTheEarlierOnATie() {
        assertThat(HtmlReport.middleStep(new TreeSet<>(List.of(1, 15, 30)))).isEqualTo(15);
        assertThat(HtmlReport.middleStep(new TreeSet<>(List.of(0, 10, 20, 30, 40)))).isEqualTo(20);
        assertThat(HtmlReport.middleStep(new TreeSet<>(List.of(1, 2, 3, 100)))).isEqualTo(3);
        assertThat(HtmlReport.middleStep(new TreeSet<>(List.of(0, 4, 6, 10)))).isEqualTo(4);
        assertThat(HtmlReport.middleStep(new TreeSet<>(List.of(7)))).isEqualTo(7);
        assertThat(HtmlReport.middleStep(new TreeSet<>(List.of(1, 9)))).isEqualTo(1);
    }

    @Test
    void rewardPlotSelectsTheMeanThenPerFunctionMeansButNotTheirStds() {
        PlotSpec reward = PlotSpec.STANDARD.get(0);
        assertThat(reward.select(List.of("rewards/z/mean", "rewards/a/std", "reward", "kl", "rewards/a/mean")))
                .containsExactly("reward", "rewards/a/mean", "rewards/z/mean");
        assertThat(reward.needs()).isEqualTo("reward or rewards/<fn>/mean");
    }

    @Test
    void axisRangesEndOnRoundStepsAroundTheData() {
        assertRange(Plotter.niceRange(0.0005, 0.0995), 0, 0.1);
        assertRange(Plotter.niceRange(-0.023, 0.024), -0.03, 0.03);
        assertRange(Plotter.niceRange(0, 200), 0, 200);
        assertRange(Plotter.niceRange(0, 203), 0, 250);
        assertRange(Plotter.niceRange(5, 5), 2, 8); // one value: padded by half its size
        assertRange(Plotter.niceRange(0, 0), -1, 1);
    }

    @Property(tries = 300)
    void axisRangeAlwaysContainsTheData(@ForAll double a, @ForAll double b) {
        net.jqwik.api.Assume.that(Double.isFinite(a) && Double.isFinite(b) && Math.abs(a) < 1e300 && Math.abs(b) < 1e300);
        double min = Math.min(a, b);
        double max = Math.max(a, b);
        double[] r = Plotter.niceRange(min, max);
        assertThat(r[0]).isLessThanOrEqualTo(min);
        assertThat(r[1]).isGreaterThanOrEqualTo(max);
        assertThat(r[1]).isGreaterThan(r[0]);
    }

    private static void assertRange(double[] range, double lo, double hi) {
        assertThat(range[0]).isCloseTo(lo, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(range[1]).isCloseTo(hi, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void shortSeriesArePlottedUnchanged() {
        NavigableMap<Integer, Double> s = new TreeMap<>();
        s.put(3, 0.5);
        s.put(1, 0.25);
        double[][] xy = Plotter.thin(s, 10);
        assertThat(xy[0]).containsExactly(1, 3);
        assertThat(xy[1]).containsExactly(0.25, 0.5);
    }

    /** Thinning keeps each bucket's min and max: the overall extremes survive, x stays in order. */
    @Property(tries = 200)
    void thinningKeepsTheExtremesInStepOrderWithinTheLimit(
            @ForAll @Size(min = 1, max = 3000) List<@IntRange(min = -1000, max = 1000) Integer> values,
            @ForAll @IntRange(min = 4, max = 400) int maxPoints) {
        NavigableMap<Integer, Double> s = new TreeMap<>();
        for (int i = 0; i < values.size(); i++) {
            s.put(2 * i + 1, values.get(i) / 8.0);
        }
        double[][] xy = Plotter.thin(s, maxPoints);
        assertThat(xy[1]).hasSameSizeAs(xy[0]);
        assertThat(xy[0].length).isEqualTo(values.size() <= maxPoints ? values.size() : 2 * (maxPoints / 2));
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(xy[1]).contains(min, max);
        for (int i = 1; i < xy[0].length; i++) {
            assertThat(xy[0][i]).isGreaterThanOrEqualTo(xy[0][i - 1]);
        }
        for (int i = 0; i < xy[0].length; i++) {
            assertThat(s.get((int) xy[0][i])).isEqualTo(xy[1][i]); // every drawn point is a real point
        }
    }
}
