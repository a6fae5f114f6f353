package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.Grpo4jException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties every family must have: cache = full forward, padding invariance, gradients, no leaks. */
class TransformerInvariantTest {
    private static final float TOL = 1e-4f;

    /** Three prompts of lengths 6, 3, 5 with token ids below 50. */
    private static final long[][] PROMPTS = {{5, 17, 3, 42, 8, 11}, {7, 29, 4}, {13, 1, 48, 22, 9}};

    /** Left-pads {@code rows} to the longest: ids (pad 0), positions from 0 at the first real token, mask. */
    private static NDArray[] leftPadded(NDManager m, long[][] rows) {
        int s = Arrays.stream(rows).mapToInt(r -> r.length).max().orElseThrow();
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
        return new NDArray[] {TinyModels.longs(m, ids), TinyModels.longs(m, pos), TinyModels.longs(m, mask)};
    }

    private static void assertAllClose(NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - e[i]));
        }
        assertThat(worst).as("max |difference| over %d logits", a.length).isLessThanOrEqualTo(TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void decodingWithKvCacheGivesFullForwardLogitsAtEveryPosition(String type) {
        try (Transformer model = TinyModels.model(type, 1); NDManager m = NDManager.newBaseManager()) {
            NDArray[] in = leftPadded(m, PROMPTS);
            NDArray full = model.forward(in[0], in[1], in[2], null); // [3, 6, 50]
            int s = (int) in[0].getShape().get(1);
            try (KvCache cache = model.newCache(m, 3, s)) {
                NDArray all = model.forward(in[0].get(":, :2"), in[1].get(":, :2"), in[2].get(":, :2"), cache);
                for (int t = 2; t < s; t++) {
                    NDIndex col = new NDIndex(":, {}:{}", t, t + 1);
                    NDArray step = model.forward(in[0].get(col), in[1].get(col), in[2].get(":, :{}", t + 1), cache);
                    assertThat(step.getShape()).isEqualTo(new Shape(3, 1, 50));
                    all = all.concat(step, 1);
                }
                // padded query rows are garbage by design; compare real positions only
                NDArray real = in[2].toType(ai.djl.ndarray.types.DataType.FLOAT32, false).expandDims(2);
                assertAllClose(all.mul(real), full.mul(real));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void leftPaddedBatchGivesEachPromptsLogitsAlone(String type) {
        try (Transformer model = TinyModels.model(type, 2); NDManager m = NDManager.newBaseManager()) {
            NDArray[] in = leftPadded(m, PROMPTS);
            NDArray batch = model.forward(in[0], in[1], in[2], null);
            int s = (int) in[0].getShape().get(1);
            for (int b = 0; b < PROMPTS.length; b++) {
                NDArray[] one = leftPadded(m, new long[][] {PROMPTS[b]});
                NDArray alone = model.forward(one[0], one[1], one[2], null); // [1, len, 50]
                int pad = s - PROMPTS[b].length;
                assertAllClose(batch.get(new NDIndex("{}:{}, {}:", b, b + 1, pad)), alone);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void repeatInterleavedCacheServesEachCompletionLikeItsOwnForward(String type) {
        try (Transformer model = TinyModels.model(type, 3); NDManager m = NDManager.newBaseManager()) {
            long[][] prompts = {PROMPTS[0], PROMPTS[1]};
            NDArray[] in = leftPadded(m, prompts); // [2, 6]
            int s = 6;
            int group = 3;
            long[][] next = {{30}, {31}, {32}, {33}, {34}, {35}}; // a different token per completion
            try (KvCache cache = model.newCache(m, 2, s + 1)) {
                model.forward(in[0], in[1], in[2], cache);
                cache.repeatInterleave(group);
                assertThat(cache.batchSize()).isEqualTo(6);
                assertThat(cache.length()).isEqualTo(s);
                NDArray mask = in[2].repeat(0, group).concat(m.ones(new Shape(6, 1), in[2].getDataType()), 1);
                NDArray pos = in[1].get(":, -1:").add(1).repeat(0, group);
                NDArray step = model.forward(TinyModels.longs(m, next), pos, mask, cache); // [6, 1, 50]
                for (int r = 0; r < 6; r++) {
                    long[] row = Arrays.copyOf(prompts[r / group], prompts[r / group].length + 1);
                    row[row.length - 1] = next[r][0];
                    NDArray[] one = leftPadded(m, new long[][] {row});
                    NDArray alone = model.forward(one[0], one[1], one[2], null).get(":, -1:");
                    assertAllClose(step.get("{}:{}", r, r + 1), alone);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void everyParameterGetsANonZeroGradient(String type) {
        try (Transformer model = TinyModels.model(type, 4); NDManager m = NDManager.newBaseManager()) {
            model.parameters().values().forEach(p -> p.setRequiresGradient(true));
            NDArray[] in = leftPadded(m, PROMPTS);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(in[0], in[1], in[2], null);
                gc.backward(logits.logSoftmax(-1).sum());
            }
            for (var e : model.parameters().entrySet()) {
                try (NDArray g = e.getValue().getGradient()) {
                    assertThat(g.getShape()).isEqualTo(e.getValue().getShape());
                    assertThat(g.abs().sum().getFloat()).as("|grad| of %s", e.getKey()).isGreaterThan(0f);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen3"})
    void forwardsLeaveNoArraysInTheModelOrCallerManager(String type) {
        try (Transformer model = TinyModels.model(type, 5); NDManager m = NDManager.newBaseManager()) {
            int modelArrays = model.manager().getManagedArrays().size();
            NDArray[] in = leftPadded(m, PROMPTS);
            int callerArrays = m.getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                model.forward(in[0], in[1], in[2], null).close();
            }
            try (KvCache cache = model.newCache(m, 3, 8)) {
                model.forward(in[0], in[1], in[2], cache).close();
                int withCache = m.getManagedArrays().size();
                NDManager cacheManager = ((TransformerKvCache) cache).manager();
                int buffers = cacheManager.getManagedArrays().size();
                for (int t = 0; t < 2; t++) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray id = step.create(new long[] {1, 2, 3}, new Shape(3, 1));
                        NDArray pos = step.create(new long[] {6 + t, 3 + t, 5 + t}, new Shape(3, 1));
                        NDArray mask = in[2].concat(step.ones(new Shape(3, t + 1), in[2].getDataType()), 1);
                        mask.attach(step);
                        NDArray logits = model.forward(id, pos, mask, cache);
                        assertThat(logits.getManager()).isSameAs(step);
                    }
                    assertThat(m.getManagedArrays().size()).isEqualTo(withCache);
                    assertThat(cacheManager.getManagedArrays().size()).isEqualTo(buffers);
                }
            }
            assertThat(model.manager().getManagedArrays().size()).isEqualTo(modelArrays);
            assertThat(m.getManagedArrays().size()).isEqualTo(callerArrays);
        }
    }

    @Test
    void lastPositionOnlyGivesTheFullForwardsLastColumn() {
        try (Transformer model = TinyModels.model("qwen3", 8); NDManager m = NDManager.newBaseManager()) {
            NDArray[] in = leftPadded(m, PROMPTS);
            NDArray full = model.forward(in[0], in[1], in[2], null);
            NDArray last = model.forward(in[0], in[1], in[2], null, (int) in[0].getShape().get(1) - 1);
            assertThat(last.getShape()).isEqualTo(new Shape(3, 1, 50));
            assertAllClose(last, full.get(":, -1:"));
        }
    }

    @Test
    void sequenceLongerThanMaxPositionEmbeddingsIsAClearError() {
        try (Transformer model = TinyModels.model("llama", 6); NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.zeros(new Shape(1, 65), ai.djl.ndarray.types.DataType.INT64);
            NDArray pos = m.arange(0L, 65L).reshape(1, 65);
            NDArray mask = m.ones(new Shape(1, 65), ai.djl.ndarray.types.DataType.INT64);
            assertThatThrownBy(() -> model.forward(ids, pos, mask, null))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("65 tokens")
                    .hasMessageContaining("max_position_embeddings = 64");
            assertThatThrownBy(() -> model.newCache(m, 1, 100))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("max_position_embeddings = 64");
        }
    }

    @Test
    void decodingPastTheCacheCapacityIsAClearError() {
        try (Transformer model = TinyModels.model("qwen2", 6); NDManager m = NDManager.newBaseManager();
                KvCache cache = model.newCache(m, 1, 3)) {
            NDArray ids = m.zeros(new Shape(1, 4), ai.djl.ndarray.types.DataType.INT64);
            NDArray pos = m.arange(0L, 4L).reshape(1, 4);
            NDArray mask = m.ones(new Shape(1, 4), ai.djl.ndarray.types.DataType.INT64);
            assertThatThrownBy(() -> model.forward(ids, pos, mask, cache))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("capacity 3");
        }
    }
}
