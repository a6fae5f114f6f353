package io.github.grpo4j.internal.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.policy.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Invariants of {@link TokenSampler} over random logits and parameters. */
class TokenSamplerPropertiesTest {

    @Property(tries = 40, seed = "20261125") // fixed seed: a reproducible suite
    void chosenTokenIsAllowedByTheTransformersPipelineAndItsLogProbIsUntruncated(
            @ForAll long seed,
            @ForAll @DoubleRange(min = 0.1, max = 2.0) double temperature,
            @ForAll @IntRange(min = 0, max = 24) int topK,
            @ForAll @DoubleRange(min = 0.05, max = 1.0) double topP,
            @ForAll @DoubleRange(min = 0.0, max = 0.5) double minP,
            @ForAll @DoubleRange(min = 0.5, max = 2.0) double penalty) {
        int b = 8;
        int v = 20;
        Random rng = new Random(seed);
        double[][] rows = new double[b][v];
        List<int[]> soFar = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            for (int k = 0; k < v; k++) {
                rows[r][k] = rng.nextGaussian() * 2.5;
            }
            soFar.add(new int[] {rng.nextInt(v), rng.nextInt(v), rng.nextInt(v)});
        }
        SamplingParams p = new SamplingParams(temperature, topK, topP, minP, penalty, 4, List.of());
        try (NDManager m = NDManager.newBaseManager()) {
            TokenSampler.Choice c = new TokenSampler(p)
                    .sample(m.create(TokenSamplerTest.toFloat(rows), new Shape(b, v)), soFar, seed);
            long[] ids = c.ids().toLongArray();
            float[] lp = c.logProbs().toFloatArray();
            for (int r = 0; r < b; r++) {
                boolean[] present = new boolean[v];
                for (int id : soFar.get(r)) {
                    present[id] = true;
                }
                double[] allowed = TokenSamplerTest.expectedProbs(rows[r], present, p);
                assertThat(allowed[(int) ids[r]]).as("row %d token %d", r, ids[r]).isPositive();
                double[] logSoftmax = TokenSamplerTest.logSoftmax(rows[r], temperature);
                assertThat(lp[r]).isCloseTo((float) logSoftmax[(int) ids[r]], offset(1e-4f));
            }
        }
    }
}
