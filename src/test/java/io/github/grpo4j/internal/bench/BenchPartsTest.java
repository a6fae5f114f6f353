package io.github.grpo4j.internal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPartsTest {

    static BenchReport report(int steps, long rssFirst, long rssLast) {
        List<StepTiming> timings = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            long rss = i == steps - 1 ? rssLast : rssFirst;
            timings.add(new StepTiming(0.3 + i * 0.01, 0.1, 0.5, 1.0 + i * 0.1, 1000 + i, 2000 + i, rss));
        }
        return new BenchReport(BenchOptions.defaults(), new Machine("Test CPU", 2, false), 2, 3_051_264L, 0L, 200e9,
                timings, 123_456_789L);
    }

    @Test
    void jsonHasEveryReportedField() throws Exception {
        JsonNode j = new ObjectMapper().readTree(report(5, 1000, 1100).toJson());
        assertThat(j.fieldNames()).toIterable().contains("workload", "machine", "generation_s", "reference_s",
                "update_s", "step_s", "gen_tokens_per_s", "train_tokens_per_s", "peak_resident_bytes", "cpu_s",
                "flops_per_step", "achieved_flops_per_s", "mfu", "resident_baseline_step", "resident_growth",
                "per_step");
        assertThat(j.get("machine").fieldNames()).toIterable().contains("cpu", "processors", "threads",
                "matmul_fp32_flops_per_s");
        assertThat(j.get("workload").get("num_generations").asInt()).isEqualTo(8);
        assertThat(j.get("workload").get("loss_type").asText()).isEqualTo("grpo");
        assertThat(j.get("per_step")).hasSize(5);
        // medians of 1.0, 1.1, ..., 1.4 and 0.30 ... 0.34
        assertThat(j.get("step_s").asDouble()).isCloseTo(1.2, within(1e-12));
        assertThat(j.get("generation_s").asDouble()).isCloseTo(0.32, within(1e-12));
        assertThat(j.get("peak_resident_bytes").asLong()).isEqualTo(123_456_789L);
        assertThat(j.get("mfu").asDouble()).isCloseTo(Flops.step(3_051_264L, 64, 16, 32, true, 1) / 1.2 / 200e9, within(1e-12));
        assertThat(j.get("resident_growth").asDouble()).isCloseTo(0.1, within(1e-12));
    }

    @Test
    void memoryBaselineIsStepTwentyWhenMoreStepsFollow() {
        assertThat(report(5, 1000, 1000).memoryBaselineIndex()).isZero();
        assertThat(report(20, 1000, 1000).memoryBaselineIndex()).isZero();
        BenchReport longRun = report(30, 1000, 1030);
        assertThat(longRun.memoryBaselineIndex()).isEqualTo(19);
        assertThat(longRun.residentGrowth()).isCloseTo(0.03, within(1e-12));
        assertThat(longRun.toTable()).contains("MFU", "after step 20 -> step 30", "peak resident memory");
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(BenchReport.median(new double[] {3, 1, 2})).isEqualTo(2);
        assertThat(BenchReport.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(BenchReport.median(new double[0])).isNaN();
    }

    @Test
    void perTokenGrowthTellsCachedFromRecomputedDecoding() {
        int[] n = Sweep.MAX_NEW;
        // cached: fixed prefill + a constant cost per token
        double[] cached = new double[n.length];
        // no cache: token t costs a forward over its prefix of P + t tokens
        double[] recomputed = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            cached[i] = 0.05 + 0.004 * n[i];
            for (int t = 0; t < n[i]; t++) {
                recomputed[i] += 0.0001 * (16 + t);
            }
        }
        double linear = Sweep.perTokenGrowth(n, cached);
        double quadratic = Sweep.perTokenGrowth(n, recomputed);
        assertThat(linear).isLessThan(1.0);
        assertThat(Sweep.isLinear(linear)).isTrue();
        // (16 + 127/2) / (16 + 15/2) by hand
        assertThat(quadratic).isCloseTo((16 + 63.5) / (16 + 7.5), within(1e-9));
        assertThat(Sweep.isLinear(quadratic)).isFalse();
        assertThatThrownBy(() -> Sweep.perTokenGrowth(new int[] {16}, new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sweepTableHasEveryGridPointAndTheVerdict() {
        List<Sweep.Point> points = new ArrayList<>();
        for (int g : Sweep.GROUPS) {
            for (int n : Sweep.MAX_NEW) {
                points.add(new Sweep.Point(g, n, 0.01 * g * n, 0.001 * g * n, 1e9));
            }
        }
        String t = Sweep.table(points, 1e10);
        assertThat(t).contains("step time (s)", "generation time (s)", "G 32  1.00  linear", "40.960");
    }

    @Test
    void procStatusAndCpuinfoAreParsed() {
        List<String> status = List.of("Name:\tjava", "VmHWM:\t  204800 kB", "VmRSS:\t  102400 kB");
        assertThat(ProcMemory.parse(status, "VmRSS:")).isEqualTo(102400L * 1024);
        assertThat(ProcMemory.parse(status, "VmHWM:")).isEqualTo(204800L * 1024);
        assertThat(ProcMemory.parse(status, "VmSwap:")).isEqualTo(-1);
        Machine m = Machine.parse(List.of("processor\t: 0", "model name\t: AMD EPYC 9R14", "flags\t\t: fpu avx512f avx512_bf16"), 2);
        assertThat(m).isEqualTo(new Machine("AMD EPYC 9R14", 2, true));
    }

    @Test
    void badOptionsNameTheFlag() {
        BenchOptions d = BenchOptions.defaults();
        assertThatThrownBy(() -> d.with(1, 32)).isInstanceOf(Grpo4jException.class).hasMessageContaining("--group");
        assertThatThrownBy(() -> d.with(8, 0)).isInstanceOf(Grpo4jException.class).hasMessageContaining("--max-new");
        assertThat(d.with(16, 64).rows()).isEqualTo(128);
    }

    @Test
    void benchTokenizerCoversTheVocabularyAndHasNoEos() {
        BenchTokenizer t = new BenchTokenizer(64);
        int[] ids = new int[64];
        for (int i = 0; i < 64; i++) {
            ids[i] = i;
        }
        assertThat(t.encode(t.decode(ids))).containsExactly(ids);
        assertThat(t.eosIds()).isEmpty();
        assertThat(t.vocabSize()).isEqualTo(64);
    }
}
