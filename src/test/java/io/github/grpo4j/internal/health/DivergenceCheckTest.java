package io.github.grpo4j.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The divergence rule on hand-made metric sequences: runs that go wrong, and runs that must not warn. */
class DivergenceCheckTest {

    /** step → value from alternating arguments: step, value, step, value, ... */
    private static NavigableMap<Integer, Double> points(double... stepValue) {
        NavigableMap<Integer, Double> m = new TreeMap<>();
        for (int i = 0; i < stepValue.length; i += 2) {
            m.put((int) stepValue[i], stepValue[i + 1]);
        }
        return m;
    }

    /** One value per step 1..steps, rising linearly from {@code from} to {@code to}. */
    private static NavigableMap<Integer, Double> ramp(int steps, double from, double to) {
        NavigableMap<Integer, Double> m = new TreeMap<>();
        for (int s = 1; s <= steps; s++) {
            m.put(s, from + (to - from) * (s - 1) / (steps - 1));
        }
        return m;
    }

    private static Map<String, NavigableMap<Integer, Double>> run(Object... nameSeries) {
        Map<String, NavigableMap<Integer, Double>> m = new LinkedHashMap<>();
        for (int i = 0; i < nameSeries.length; i += 2) {
            @SuppressWarnings("unchecked")
            NavigableMap<Integer, Double> s = (NavigableMap<Integer, Double>) nameSeries[i + 1];
            m.put((String) nameSeries[i], s);
        }
        return m;
    }

    /** The collapse: lr 1e-4 constant, no warm-up, temperature 1 (25.6 % → 13.6 % → 12.6 %). */
    private static final NavigableMap<Integer, Double> COLLAPSE = points(0, 0.256, 50, 0.136, 100, 0.130, 150, 0.128, 200, 0.126);

    @Test
    void accuracyThatFallsWhileKlClimbsWarnsAndNamesTheCauses() {
        Optional<DivergenceWarning> w = DivergenceCheck.check(run("eval/accuracy", COLLAPSE, "kl", ramp(200, 0.0, 0.3)));

        assertThat(w).isPresent();
        assertThat(w.get().signal()).isEqualTo("eval/accuracy");
        assertThat(w.get().bestStep()).isZero();
        assertThat(w.get().best()).isEqualTo(0.256);
        assertThat(w.get().lastStep()).isEqualTo(200);
        assertThat(w.get().klNow()).isGreaterThan(w.get().klAtBest());
        assertThat(w.get().message())
                .contains("held-out accuracy", "25.6% at step 0", "12.6% at step 200", "kl rose",
                        "learning rate", "warm-up", "temperature");
    }

    @Test
    void aClimbingRunDoesNotWarn() {
        // the old default's own eval points: noisy at first, then up
        NavigableMap<Integer, Double> acc = points(0, 0.256, 100, 0.214, 200, 0.294, 300, 0.334, 400, 0.404, 500, 0.432,
                600, 0.438);
        assertThat(DivergenceCheck.check(run("eval/accuracy", acc, "kl", ramp(600, 0.0, 0.1)))).isEmpty();
        assertThat(DivergenceCheck.history(run("eval/accuracy", acc, "kl", ramp(600, 0.0, 0.1)))).isEmpty();
    }

    @Test
    void aNoisyPlateauBelowTheBestByLessThanTheMarginDoesNotWarn() {
        // last three below the best 0.41, but the latest only 0.015 (< 10 % of 0.41) below it
        NavigableMap<Integer, Double> acc = points(0, 0.40, 100, 0.41, 200, 0.39, 300, 0.40, 400, 0.395);
        assertThat(DivergenceCheck.check(run("eval/accuracy", acc, "kl", ramp(400, 0.0, 0.2)))).isEmpty();
    }

    @Test
    void aRecoveryDoesNotWarnButTheSameFallStillGoingDoes() {
        Map<String, NavigableMap<Integer, Double>> recovered = run(
                "eval/accuracy", points(0, 0.40, 100, 0.30, 200, 0.32, 300, 0.39), "kl", ramp(300, 0.0, 0.2));
        assertThat(DivergenceCheck.check(recovered)).isEmpty();
        Map<String, NavigableMap<Integer, Double>> falling = run(
                "eval/accuracy", points(0, 0.40, 100, 0.30, 200, 0.32, 300, 0.33), "kl", ramp(300, 0.0, 0.2));
        assertThat(DivergenceCheck.check(falling)).isPresent();
    }

    @Test
    void aFallOfOnlyTwoEvaluationsIsNotEnough() {
        // 2 falls (FALLS is 3): one more is needed
        NavigableMap<Integer, Double> acc = points(0, 0.30, 100, 0.40, 200, 0.20, 300, 0.20);
        assertThat(DivergenceCheck.check(run("eval/accuracy", acc, "kl", ramp(300, 0.0, 0.2)))).isEmpty();
        acc.put(400, 0.20);
        assertThat(DivergenceCheck.check(run("eval/accuracy", acc, "kl", ramp(400, 0.0, 0.2)))).isPresent();
    }

    @Test
    void aFallWhileKlStaysFlatOrShrinksIsNotDivergence() {
        NavigableMap<Integer, Double> flat = ramp(200, 0.05, 0.05);
        assertThat(DivergenceCheck.check(run("eval/accuracy", COLLAPSE, "kl", flat))).isEmpty();
        NavigableMap<Integer, Double> shrinking = ramp(200, 0.3, 0.01);
        assertThat(DivergenceCheck.check(run("eval/accuracy", COLLAPSE, "kl", shrinking))).isEmpty();
    }

    @Test
    void withoutKlLoggedTheFallAloneWarnsAndSaysSo() {
        Optional<DivergenceWarning> w = DivergenceCheck.check(run("eval/accuracy", COLLAPSE));
        assertThat(w).isPresent();
        assertThat(w.get().klAtBest()).isNull();
        assertThat(w.get().message()).contains("no KL logged");
    }

    @Test
    void trainingRewardIsJudgedOnWindowMeansOfTwentyFiveSteps() {
        // 100 steps at 0.5 then 75 at 0.3: window means 0.5 ×4 then 0.3 ×3 → fires at the 7th window (step 175)
        NavigableMap<Integer, Double> reward = new TreeMap<>();
        for (int s = 1; s <= 175; s++) {
            reward.put(s, s <= 100 ? 0.5 : 0.3);
        }
        NavigableMap<Integer, Double> windows = DivergenceCheck.windowMeans(reward);
        assertThat(windows.keySet()).containsExactly(25, 50, 75, 100, 125, 150, 175);
        assertThat(windows.get(25)).isEqualTo(0.5);
        assertThat(windows.get(175)).isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-12));
        Optional<DivergenceWarning> w = DivergenceCheck.check(run("reward", reward, "kl", ramp(175, 0.0, 0.2)));
        assertThat(w).isPresent();
        assertThat(w.get().signal()).isEqualTo("reward");
        assertThat(w.get().bestStep()).isEqualTo(25);
        assertThat(w.get().lastStep()).isEqualTo(175);
        assertThat(w.get().message()).contains("mean training reward", "windows");
        // one window fewer: only two windows have fallen
        assertThat(DivergenceCheck.check(run("reward", reward.headMap(174, true), "kl", ramp(175, 0.0, 0.2)))).isEmpty();
        // per-step noise does not fire: alternating 0.2 / 0.6 averages 0.4 in every window
        NavigableMap<Integer, Double> noisy = new TreeMap<>();
        for (int s = 1; s <= 200; s++) {
            noisy.put(s, s % 2 == 0 ? 0.2 : 0.6);
        }
        noisy.put(200, 0.6); // window 8 is no lower than the others
        assertThat(DivergenceCheck.check(run("reward", noisy, "kl", ramp(200, 0.0, 0.2)))).isEmpty();
    }

    @Test
    void heldOutRewardIsJudgedOnlyWhenThereIsNoAccuracy() {
        Map<String, NavigableMap<Integer, Double>> both = run("eval/accuracy", points(0, 0.5, 1, 0.5, 2, 0.5, 3, 0.5),
                "eval/reward", COLLAPSE, "kl", ramp(200, 0.0, 0.3));
        assertThat(DivergenceCheck.check(both)).isEmpty();
        Optional<DivergenceWarning> w = DivergenceCheck.check(run("eval/reward", COLLAPSE, "kl", ramp(200, 0.0, 0.3)));
        assertThat(w).isPresent();
        assertThat(w.get().signal()).isEqualTo("eval/reward");
        assertThat(w.get().message()).contains("held-out reward", "0.2560 at step 0");
    }

    @Test
    void historyReportsTheStepEachSignalFirstFiredOnce() {
        NavigableMap<Integer, Double> acc = new TreeMap<>(COLLAPSE);
        acc.put(250, 0.12);
        acc.put(300, 0.11);
        List<DivergenceWarning> h = DivergenceCheck.history(run("eval/accuracy", acc, "kl", ramp(300, 0.0, 0.3)));
        assertThat(h).hasSize(1);
        assertThat(h.get(0).lastStep()).isEqualTo(150); // fired at the third evaluation below 25.6 %
    }

    @Test
    void theWatchWarnsOncePerSignalAsMetricsArrive() {
        DivergenceWatch watch = new DivergenceWatch();
        int fired = 0;
        Integer firedAt = null;
        for (int step = 0; step <= 300; step++) {
            Map<String, Double> m = new LinkedHashMap<>();
            if (step > 0) {
                m.put("kl", step / 1000.0);
            }
            if (step % 50 == 0) {
                m.put("eval/accuracy", step == 0 ? 0.256 : 0.13);
            }
            watch.add(step, m);
            if (watch.poll().isPresent()) {
                fired++;
                firedAt = step;
            }
        }
        assertThat(fired).isEqualTo(1);
        assertThat(firedAt).isEqualTo(150);
    }
}
