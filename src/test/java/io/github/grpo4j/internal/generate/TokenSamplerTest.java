package io.github.grpo4j.internal.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.policy.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenSamplerTest {

    static SamplingParams params(double temperature, int topK, double topP, double minP, double penalty) {
        return new SamplingParams(temperature, topK, topP, minP, penalty, 16, List.of());
    }

    /** {@code rows} copies of {@code row} as a [rows, V] float32 array. */
    static NDArray repeated(NDManager m, double[] row, int rows) {
        float[] flat = new float[rows * row.length];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < row.length; k++) {
                flat[r * row.length + k] = (float) row[k];
            }
        }
        return m.create(flat, new Shape(rows, row.length));
    }

    static double[] logs(double... probs) {
        return Arrays.stream(probs).map(Math::log).toArray();
    }

    /** transformers' pipeline in double: penalty, temperature, top-k, top-p, min-p, softmax. */
    static double[] expectedProbs(double[] logits, boolean[] present, SamplingParams p) {
        int v = logits.length;
        double[] s = new double[v];
        for (int k = 0; k < v; k++) {
            double x = logits[k];
            if (present != null && present[k]) {
                x = x > 0 ? x / p.repetitionPenalty() : x * p.repetitionPenalty();
            }
            s[k] = x / p.temperature();
        }
        Integer[] order = new Integer[v];
        for (int k = 0; k < v; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        boolean[] keep = new boolean[v];
        Arrays.fill(keep, true);
        if (p.topK() > 0) {
            for (int i = p.topK(); i < v; i++) {
                keep[order[i]] = false;
            }
        }
        if (p.topP() < 1) {
            double[] probs = softmax(s, keep);
            double before = 0;
            for (int i = 0; i < v; i++) {
                int k = order[i];
                if (before >= p.topP()) {
                    keep[k] = false;
                }
                before += probs[k];
            }
        }
        if (p.minP() > 0) {
            double[] probs = softmax(s, keep);
            double max = Arrays.stream(probs).max().orElseThrow();
            for (int k = 0; k < v; k++) {
                if (probs[k] < p.minP() * max) {
                    keep[k] = false;
                }
            }
        }
        return softmax(s, keep);
    }

    static double[] softmax(double[] s, boolean[] keep) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < s.length; k++) {
            if (keep[k]) {
                max = Math.max(max, s[k]);
            }
        }
        double[] out = new double[s.length];
        double sum = 0;
        for (int k = 0; k < s.length; k++) {
            out[k] = keep[k] ? Math.exp(s[k] - max) : 0;
            sum += out[k];
        }
        for (int k = 0; k < s.length; k++) {
            out[k] /= sum;
        }
        return out;
    }

    /** Samples {@code n} rows of the same logits and returns the count of each token. */
    static long[] counts(double[] logits, boolean[] present, SamplingParams p, int n, long seed) {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenSampler sampler = new TokenSampler(p);
            List<int[]> soFar = new ArrayList<>();
            List<Integer> presentIds = new ArrayList<>();
            for (int k = 0; present != null && k < present.length; k++) {
                if (present[k]) {
                    presentIds.add(k);
                }
            }
            int[] row = presentIds.stream().mapToInt(Integer::intValue).toArray();
            for (int r = 0; r < n; r++) {
                soFar.add(row);
            }
            long[] ids = sampler.sample(repeated(m, logits, n), soFar, seed).ids().toLongArray();
            long[] counts = new long[logits.length];
            for (long id : ids) {
                counts[(int) id]++;
            }
            return counts;
        }
    }

    /** Pearson chi-square of the counts against the probabilities; a token of probability 0 seen fails. */
    static void assertFrequenciesMatch(long[] counts, double[] probs, int n) {
        double chi2 = 0;
        int cells = 0;
        for (int k = 0; k < probs.length; k++) {
            if (probs[k] == 0) {
                assertThat(counts[k]).as("token %d is outside the allowed set", k).isZero();
                continue;
            }
            double e = probs[k] * n;
            chi2 += (counts[k] - e) * (counts[k] - e) / e;
            cells++;
        }
        // chi-square with ≤ 9 degrees of freedom exceeds 33 with probability < 1e-4
        assertThat(chi2).as("chi-square over %d cells, counts %s vs probs %s", cells, Arrays.toString(counts),
                Arrays.toString(probs)).isLessThan(33);
    }

    static final double[] LOGITS = {1.2, -0.3, 0.8, 2.0, -1.5, 0.1, 1.9, -0.7, 0.5, 1.4};

    @Test
    void plainSamplingFrequenciesMatchSoftmax() {
        SamplingParams p = params(1.0, 0, 1.0, 0.0, 1.0);
        assertFrequenciesMatch(counts(LOGITS, null, p, 20000, 1), expectedProbs(LOGITS, null, p), 20000);
    }

    @Test
    void temperatureFrequenciesMatchSoftmaxOfScaledLogits() {
        SamplingParams p = params(0.6, 0, 1.0, 0.0, 1.0);
        assertFrequenciesMatch(counts(LOGITS, null, p, 20000, 2), expectedProbs(LOGITS, null, p), 20000);
    }

    @Test
    void truncatedSamplingFrequenciesMatchTransformersPipeline() {
        SamplingParams[] cases = {
            params(1.0, 4, 1.0, 0.0, 1.0),
            params(1.2, 0, 0.7, 0.0, 1.0),
            params(1.0, 0, 1.0, 0.3, 1.0),
            params(0.9, 6, 0.85, 0.2, 1.0),
        };
        long seed = 10;
        for (SamplingParams p : cases) {
            assertFrequenciesMatch(counts(LOGITS, null, p, 20000, seed++), expectedProbs(LOGITS, null, p), 20000);
        }
    }

    @Test
    void repetitionPenaltyFrequenciesMatchPenalisedSoftmax() {
        boolean[] present = {false, true, false, true, false, false, true, false, false, false};
        SamplingParams p = params(1.0, 0, 1.0, 0.0, 1.8);
        double[] expected = expectedProbs(LOGITS, present, p);
        assertThat(expected[3]).isLessThan(expectedProbs(LOGITS, null, p)[3]); // the penalty lowered token 3
        assertFrequenciesMatch(counts(LOGITS, present, p, 20000, 3), expected, 20000);
    }

    @Test
    void topKTopPAndMinPNeverChooseOutsideTheAllowedSet() {
        double[] logits = logs(0.04, 0.4, 0.06, 0.3, 0.2); // descending: 1, 3, 4, 2, 0
        assertAllowed(logits, params(1.0, 2, 1.0, 0.0, 1.0), Set.of(1, 3));
        // mass before each in order: 0, .4, .7, .9, .96 → keep while < 0.75
        assertAllowed(logits, params(1.0, 0, 0.75, 0.0, 1.0), Set.of(1, 3, 4));
        // min_p 0.3: p ≥ 0.12
        assertAllowed(logits, params(1.0, 0, 1.0, 0.3, 1.0), Set.of(1, 3, 4));
        // top-k 3 then top-p 0.6 over the renormalised three (0.444, 0.333, 0.222): keeps two
        assertAllowed(logits, params(1.0, 3, 0.6, 0.0, 1.0), Set.of(1, 3));
        // tiny top-p keeps only the top token
        assertAllowed(logits, params(1.0, 0, 0.01, 0.0, 1.0), Set.of(1));
    }

    static void assertAllowed(double[] logits, SamplingParams p, Set<Integer> allowed) {
        long[] counts = counts(logits, null, p, 4000, 5);
        Set<Integer> seen = new HashSet<>();
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                seen.add(k);
            }
        }
        assertThat(seen).as("tokens chosen with %s", p).isEqualTo(allowed);
    }

    @Test
    void topPFromThePrefixOfBestTokensChoosesExactlyAsAFullSort() {
        Random rng = new Random(21);
        int n = 3000;
        int v = 10;
        double[][] rows = new double[n][v];
        for (double[] r : rows) {
            double spread = 0.5 + 3 * rng.nextDouble(); // flat rows need the full sort, peaked ones not
            for (int k = 0; k < v; k++) {
                r[k] = rng.nextGaussian() * spread;
            }
        }
        float[] u = TokenSampler.uniforms(new Random(5), n);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(toFloat(rows), new Shape(n, v));
            for (SamplingParams p : List.of(params(1.0, 0, 0.6, 0.0, 1.0), params(0.8, 0, 0.9, 0.1, 1.4))) {
                List<int[]> soFar = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    soFar.add(new int[] {r % v});
                }
                NDArray presence = TokenSampler.presence(m, soFar, v);
                long[] full = new TokenSampler(p, v).sample(logits, presence, u).ids().toLongArray();
                for (int prefix : new int[] {2, 3, 6}) {
                    long[] fromPrefix = new TokenSampler(p, prefix).sample(logits, presence, u).ids().toLongArray();
                    assertThat(fromPrefix).as("prefix %d, %s", prefix, p).isEqualTo(full);
                }
                // and every choice is allowed by the transformers pipeline
                for (int r = 0; r < n; r++) {
                    boolean[] present = new boolean[v];
                    present[r % v] = true;
                    assertThat(expectedProbs(rows[r], present, p)[(int) full[r]]).isPositive();
                }
            }
        }
    }

    @Test
    void topPPrefixIsUsedWhenItHoldsEnoughMassAndFullSortOtherwise() {
        double[] peaked = logs(0.7, 0.2, 0.04, 0.03, 0.02, 0.01); // best two hold 0.9 ≥ 0.85
        double[] flat = logs(0.22, 0.2, 0.17, 0.16, 0.14, 0.11); // best two hold 0.42 < 0.85
        SamplingParams p = params(1.0, 0, 0.85, 0.0, 1.0);
        for (double[] logits : List.of(peaked, flat)) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray batch = repeated(m, logits, 4000);
                float[] u = TokenSampler.uniforms(new Random(3), 4000);
                long[] a = new TokenSampler(p, 2).sample(batch, null, u).ids().toLongArray();
                long[] b = new TokenSampler(p, 6).sample(batch, null, u).ids().toLongArray();
                assertThat(a).isEqualTo(b);
                long[] counts = new long[logits.length];
                for (long id : a) {
                    counts[(int) id]++;
                }
                assertFrequenciesMatch(counts, expectedProbs(logits, null, p), 4000);
            }
        }
    }

    @Test
    void greedyTakesArgmaxAndRecordsLogSoftmaxAtTemperatureOne() {
        double[][] rows = {{0.1, 2.5, -1, 0.3}, {3, -2, 2.9, 0}, {-1, -2, -3, -0.5}};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(toFloat(rows), new Shape(3, 4));
            TokenSampler.Choice c = new TokenSampler(params(0.0, 0, 1.0, 0.0, 1.0)).sample(logits, null, new float[3]);
            assertThat(c.ids().toLongArray()).containsExactly(1, 0, 3);
            float[] lp = c.logProbs().toFloatArray();
            assertThat(lp[0]).isCloseTo((float) logSoftmax(rows[0], 1.0)[1], offset(1e-5f));
            assertThat(lp[1]).isCloseTo((float) logSoftmax(rows[1], 1.0)[0], offset(1e-5f));
            assertThat(lp[2]).isCloseTo((float) logSoftmax(rows[2], 1.0)[3], offset(1e-5f));
        }
    }

    @Test
    void topKOneEqualsGreedyAtAnyTemperature() {
        Random rng = new Random(4);
        double[][] rows = new double[16][12];
        for (double[] r : rows) {
            for (int k = 0; k < r.length; k++) {
                r[k] = rng.nextGaussian() * 2;
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(toFloat(rows), new Shape(16, 12));
            long[] greedy = new TokenSampler(params(0.0, 0, 1.0, 0.0, 1.0)).sample(logits, List.of(), 1)
                    .ids().toLongArray();
            for (double t : new double[] {0.3, 1.0, 5.0}) {
                long[] top1 = new TokenSampler(params(t, 1, 1.0, 0.0, 1.0)).sample(logits, List.of(), 9)
                        .ids().toLongArray();
                assertThat(top1).isEqualTo(greedy);
            }
        }
    }

    @Test
    void recordedLogProbIsLogSoftmaxOverTemperatureWithoutTruncationOrPenalty() {
        try (NDManager m = NDManager.newBaseManager()) {
            int n = 64;
            boolean[] present = {true, true, false, true, false, false, true, false, false, false};
            SamplingParams p = params(0.7, 5, 0.8, 0.1, 2.0);
            List<int[]> soFar = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                soFar.add(new int[] {0, 1, 3, 6});
            }
            TokenSampler.Choice c = new TokenSampler(p).sample(repeated(m, LOGITS, n), soFar, 8);
            long[] ids = c.ids().toLongArray();
            float[] lp = c.logProbs().toFloatArray();
            double[] expected = logSoftmax(LOGITS, 0.7);
            double[] allowed = expectedProbs(LOGITS, present, p);
            for (int r = 0; r < n; r++) {
                assertThat(allowed[(int) ids[r]]).isPositive();
                assertThat(lp[r]).isCloseTo((float) expected[(int) ids[r]], offset(1e-5f));
            }
        }
    }

    @Test
    void repetitionPenaltyMatchesHandLoop() {
        Random rng = new Random(12);
        int b = 3;
        int v = 10;
        double[][] rows = new double[b][v];
        List<int[]> soFar = List.of(new int[] {0, 3, 3, 9}, new int[] {}, new int[] {1, 2, 4, 5, 6});
        for (double[] r : rows) {
            for (int k = 0; k < v; k++) {
                r[k] = rng.nextGaussian() * 3;
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray presence = TokenSampler.presence(m, soFar, v);
            float[] got = TokenSampler.penalize(m.create(toFloat(rows), new Shape(b, v)), presence, 1.3).toFloatArray();
            for (int r = 0; r < b; r++) {
                for (int k = 0; k < v; k++) {
                    int id = k;
                    boolean seen = Arrays.stream(soFar.get(r)).anyMatch(x -> x == id);
                    double x = rows[r][k];
                    double expected = !seen ? x : x > 0 ? x / 1.3 : x * 1.3;
                    assertThat(got[r * v + k]).as("row %d token %d", r, k).isCloseTo((float) expected, offset(1e-5f));
                }
            }
        }
    }

    @Test
    void sameSeedSameTokensDifferentSeedDifferentTokens() {
        SamplingParams p = params(1.0, 0, 0.9, 0.0, 1.0);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = repeated(m, LOGITS, 64);
            TokenSampler s = new TokenSampler(p);
            long[] first = s.sample(logits, List.of(), 77).ids().toLongArray();
            long[] again = s.sample(logits, List.of(), 77).ids().toLongArray();
            long[] other = s.sample(logits, List.of(), 78).ids().toLongArray();
            assertThat(again).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
        }
    }

    @Test
    void outOfRangeParametersAreErrorsNamingTheField() {
        assertThatThrownBy(() -> new TokenSampler(params(-0.1, 0, 1, 0, 1)))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new TokenSampler(params(Double.NaN, 0, 1, 0, 1)))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new TokenSampler(params(1, -1, 1, 0, 1)))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("top_k");
        assertThatThrownBy(() -> new TokenSampler(params(1, 0, 0.0, 0, 1)))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new TokenSampler(params(1, 0, 1.5, 0, 1)))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new TokenSampler(params(1, 0, 1, 1.5, 1)))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("min_p");
        assertThatThrownBy(() -> new TokenSampler(params(1, 0, 1, 0, 0)))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("repetition_penalty");
        assertThatThrownBy(() -> new TokenSampler(new SamplingParams(1, 0, 1, 0, 1, 0, List.of())))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("max_new_tokens");
        assertThatThrownBy(() -> new TokenSampler(new SamplingParams(1, 0, 1, 0, 1, 4, List.of(""))))
                .isInstanceOf(Grpo4jException.class).hasMessageContaining("stop strings");
    }

    static double[] logSoftmax(double[] logits, double t) {
        double max = Arrays.stream(logits).max().orElseThrow() / t;
        double sum = 0;
        for (double x : logits) {
            sum += Math.exp(x / t - max);
        }
        double lse = max + Math.log(sum);
        return Arrays.stream(logits).map(x -> x / t - lse).toArray();
    }

    static float[] toFloat(double[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k < rows[r].length; k++) {
                out[r * rows[r].length + k] = (float) rows[r][k];
            }
        }
        return out;
    }
}
