package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** The batching invariants over random prompt sets (lengths, contents, batch sizes). */
class TransformerPropertiesTest {
    private static Transformer model;

    @BeforeContainer
    static void open() {
        model = TinyModels.model("qwen3", 11);
    }

    @AfterContainer
    static void close() {
        model.close();
    }

    private static long[][] rows(List<List<@IntRange(max = 49) Integer>> prompts) {
        return prompts.stream().map(p -> p.stream().mapToLong(Integer::longValue).toArray()).toArray(long[][]::new);
    }

    private static float maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Property(tries = 25)
    void eachPromptInALeftPaddedBatchGetsItsOwnLogitsAndCacheDecodingAgrees(
            @ForAll @Size(min = 1, max = 4) List<@Size(min = 1, max = 7) List<@IntRange(max = 49) Integer>> prompts,
            @ForAll @IntRange(min = 1, max = 7) int prefill) {
        long[][] rows = rows(prompts);
        int s = 0;
        for (long[] r : rows) {
            s = Math.max(s, r.length);
        }
        int split = Math.min(prefill, s);
        try (NDManager m = NDManager.newBaseManager()) {
            long[][] ids = new long[rows.length][s];
            long[][] pos = new long[rows.length][s];
            long[][] mask = new long[rows.length][s];
            for (int b = 0; b < rows.length; b++) {
                int pad = s - rows[b].length;
                for (int t = 0; t < rows[b].length; t++) {
                    ids[b][pad + t] = rows[b][t];
                    pos[b][pad + t] = t;
                    mask[b][pad + t] = 1;
                }
            }
            NDArray idA = TinyModels.longs(m, ids);
            NDArray posA = TinyModels.longs(m, pos);
            NDArray maskA = TinyModels.longs(m, mask);
            NDArray full = model.forward(idA, posA, maskA, null);
            NDArray real = maskA.toType(DataType.FLOAT32, false).expandDims(2);
            for (int b = 0; b < rows.length; b++) {
                int pad = s - rows[b].length;
                NDArray alone = model.forward(TinyModels.longs(m, new long[][] {rows[b]}),
                        m.arange(0L, (long) rows[b].length).reshape(1, -1),
                        m.ones(new ai.djl.ndarray.types.Shape(1, rows[b].length), DataType.INT64), null);
                assertThat(maxDiff(full.get(new NDIndex("{}:{}, {}:", b, b + 1, pad)), alone)).isLessThan(1e-4f);
            }
            try (KvCache cache = model.newCache(m, rows.length, s)) {
                NDArray all = model.forward(idA.get(":, :{}", split), posA.get(":, :{}", split),
                        maskA.get(":, :{}", split), cache);
                for (int t = split; t < s; t++) {
                    NDIndex col = new NDIndex(":, {}:{}", t, t + 1);
                    all = all.concat(model.forward(idA.get(col), posA.get(col), maskA.get(":, :{}", t + 1), cache), 1);
                }
                assertThat(maxDiff(all.mul(real), full.mul(real))).isLessThan(1e-4f);
            }
        }
    }
}
