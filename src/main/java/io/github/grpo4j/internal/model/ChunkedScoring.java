package io.github.grpo4j.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tensor.GradMode;
import io.github.grpo4j.internal.tensor.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-probs of given tokens and entropies of a {@link Transformer}'s next-token distributions, computed
 * so that the full {@code [rows, T, vocab]} logits never exist at once, and, for training, the gradient
 * of a loss over those log-probs, optionally with activation checkpointing.
 *
 * <p>The output head runs on chunks of at most {@code chunkTokens} (row, position) pairs. For values
 * alone (reference and old log-probs) each chunk's logits are freed before the next. For training
 * there is no custom autograd function in DJL, so the backward pass is done by hand in three parts:
 * <ol>
 *   <li>forward: the decoder body's last hidden states {@code h} are computed (with their autograd graph,
 *       or, when checkpointing, without one, keeping only each layer's input); the log-probs are computed
 *       chunk by chunk from a detached copy of {@code h}, without a graph, and handed out as a leaf array
 *       the loss is built on;</li>
 *   <li>{@link Training#backward}: backpropagating the loss gives its gradient with respect to the
 *       log-probs; each chunk's log-probs are recomputed with a graph and backpropagated with that
 *       gradient, which adds the head's parameter gradients and accumulates the gradient of {@code h};</li>
 *   <li>the body is backpropagated with {@code h}'s gradient: through the kept graph, or layer by layer
 *       from the last, each layer recomputed from its saved input ({@code gradient_checkpointing}).</li>
 * </ol>
 * Each backward is linear in the upstream gradient, so the parameter gradients equal one backward of the
 * whole loss up to float rounding.
 */
public final class ChunkedScoring {
    private ChunkedScoring() {}

    /**
     * One teacher-forced batch as the model sees it.
     *
     * @param ids         token ids {@code [B, W]} (int64, PyTorch-owned: backward needs them)
     * @param positions   position ids {@code [B, W]} (int64)
     * @param mask        attention mask {@code [B, W]} (1 real, 0 padding)
     * @param firstLogit  the column whose logits predict completion token 0
     * @param targets     completion tokens {@code [B, T]} (int64, PyTorch-owned), 0 past each end
     * @param valid       {@code [B, T]} 1 for completion tokens, 0 past each end (float32)
     * @param temperature logits are divided by it (1 for none)
     */
    public record Batch(NDArray ids, NDArray positions, NDArray mask, int firstLogit, NDArray targets, NDArray valid,
            float temperature) {

        int rows() {
            return (int) targets.getShape().get(0);
        }

        int steps() {
            return (int) targets.getShape().get(1);
        }
    }

    /**
     * Log-probs and entropies {@code [B, T]} (zero past each completion's end) in {@code out}, without
     * gradients, the LoRA adapters on or off ({@code withAdapters} false: the base model, a LoRA run's
     * reference).
     */
    public static NDArray[] values(Transformer model, boolean withAdapters, NDManager out, Batch batch,
            int chunkTokens) {
        try (GradMode off = GradMode.off(); NDManager scope = out.newSubManager()) {
            NDArray hidden = body(model, batch, scope, null, withAdapters);
            NDArray[] r = headValues(model, hidden, batch, chunkTokens, scope);
            r[0].attach(out);
            r[1].attach(out);
            return r;
        }
    }

    /**
     * The forward pass of a training micro-batch: log-probs as a leaf array requiring gradient (build the
     * loss on it, then call {@link Training#backward}) and entropies without gradient. Call inside a
     * gradient collector. Arrays live in {@code scope}, which the caller closes after the backward pass.
     */
    public static Training forTraining(Transformer model, NDManager scope, Batch batch, int chunkTokens,
            boolean checkpointing) {
        if (checkpointing && model.adapterDropout()) {
            // the recomputation would draw other dropout masks than the forward
            throw new Grpo4jException("training.gradient_checkpointing needs model.lora.lora_dropout = 0");
        }
        List<NDArray> layerInputs = checkpointing ? new ArrayList<>() : null;
        NDArray hidden;
        if (checkpointing) {
            try (GradMode off = GradMode.off()) {
                hidden = body(model, batch, scope, layerInputs, true);
            }
        } else {
            hidden = body(model, batch, scope, null, true); // keeps its graph for the body's backward
        }
        NDArray detached = hidden.stopGradient();        // [B*T, D], a leaf
        detached.attach(scope);
        detached.setRequiresGradient(true);
        NDArray[] values;
        try (GradMode off = GradMode.off()) {
            values = headValues(model, detached, batch, chunkTokens, scope);
        }
        NDArray logProbs = values[0];
        logProbs.setRequiresGradient(true);
        return new Training(model, batch, chunkTokens, scope, hidden, detached, layerInputs, logProbs, values[1]);
    }

    /**
     * A training micro-batch between its forward and backward pass.
     */
    public static final class Training {
        private final Transformer model;
        private final Batch batch;
        private final int chunkTokens;
        private final NDManager scope;
        private final NDArray hidden;
        private final NDArray detached;
        private final List<NDArray> layerInputs;
        private final NDArray logProbs;
        private final NDArray entropy;

        private Training(Transformer model, Batch batch, int chunkTokens, NDManager scope, NDArray hidden,
                NDArray detached, List<NDArray> layerInputs, NDArray logProbs, NDArray entropy) {
            this.model = model;
            this.batch = batch;
            this.chunkTokens = chunkTokens;
            this.scope = scope;
            this.hidden = hidden;
            this.detached = detached;
            this.layerInputs = layerInputs;
            this.logProbs = logProbs;
            this.entropy = entropy;
        }

        /** {@return log-probs {@code [B, T]}, a leaf requiring gradient, zero past each completion's end} */
        public NDArray logProbs() {
            return logProbs;
        }

        /** {@return entropies {@code [B, T]}, no gradient} */
        public NDArray entropy() {
            return entropy;
        }

        /**
         * Adds the gradient of {@code loss} (a scalar computed from {@link #logProbs}) to the model's
         * parameter gradients.
         */
        public void backward(GradientCollector collector, NDArray loss) {
            collector.backward(loss);
            NDArray upstream;
            try (NDArray g = logProbs.getGradient()) {
                // d logProbs / d raw = valid (logProbs = raw · valid)
                upstream = g.mul(batch.valid()).reshape(-1); // [B*T]
                upstream.attach(scope);
            }
            NDArray targets = batch.targets().reshape(-1, 1);
            targets.attach(scope);
            long n = upstream.getShape().get(0);
            for (long start = 0; start < n; start += chunkTokens) {
                long end = Math.min(n, start + chunkTokens);
                try (NDManager c = scope.newSubManager()) {
                    NDArray h = detached.get(new NDIndex("{}:{}", start, end));
                    h.attach(c);
                    NDArray lp = logSoftmax(model, h, batch.temperature())
                            .gather(sliceOf(targets, start, end, c), 1).reshape(-1); // [n]
                    NDArray g = sliceOf(upstream, start, end, c);
                    collector.backward(lp.mul(g).sum());
                }
            }
            NDArray hiddenGrad = detached.getGradient(); // [B*T, D]
            hiddenGrad.attach(scope);
            if (layerInputs == null) {
                collector.backward(hidden.mul(hiddenGrad).sum());
            } else {
                backwardByLayer(collector, hiddenGrad);
            }
        }

        /** Backpropagates the body one layer at a time from the last, each recomputed from its saved input. */
        private void backwardByLayer(GradientCollector collector, NDArray hiddenGrad) {
            int b = batch.rows();
            int t = batch.steps();
            NDArray grad = hiddenGrad.reshape(b, t, -1); // gradient of the last layer's output, sliced
            grad.attach(scope);
            Transformer.Tables tables;
            try (GradMode off = GradMode.off()) {
                int width = (int) batch.ids().getShape().get(1);
                tables = model.tables(batch.positions(), batch.mask(), width, scope);
            }
            for (int l = model.layerCount() - 1; l >= 0; l--) {
                try (NDManager lm = scope.newSubManager()) {
                    NDArray input = layerInputs.get(l);
                    input.attach(lm); // not needed after this layer's backward
                    input.setRequiresGradient(true);
                    NDArray out = model.layer(l, input, tables, lm, false);
                    if (l == model.layerCount() - 1) {
                        out = out.get(new NDIndex(":, {}:{}", batch.firstLogit(), batch.firstLogit() + t));
                    }
                    collector.backward(out.mul(grad).sum());
                    NDArray next = input.getGradient();
                    next.attach(scope);
                    grad.close();
                    grad = next;
                }
            }
            try (NDManager em = scope.newSubManager()) {
                NDArray embedded = model.embed(batch.ids(), em);
                if (model.embeddingTrains()) { // a frozen embedding (LoRA) has no graph to backpropagate into
                    collector.backward(embedded.mul(grad).sum());
                }
            }
            grad.close();
        }
    }

    /**
     * The decoder body on the batch: the last layer's output at the predicting positions, flattened to
     * {@code [B*T, D]}, in {@code scope}. With {@code layerInputs}, each layer's input is kept there. Without
     * {@code withAdapters}, the base model's (LoRA adapters off).
     */
    private static NDArray body(Transformer model, Batch batch, NDManager scope, List<NDArray> layerInputs,
            boolean withAdapters) {
        // false without gradient recording (values, checkpointing) or with the adapters off
        boolean dropout = withAdapters && model.beginLayerForward();
        int width = (int) batch.ids().getShape().get(1);
        Transformer.Tables tables = model.tables(batch.positions(), batch.mask(), width, scope);
        NDArray x = model.embed(batch.ids(), scope);
        for (int l = 0; l < model.layerCount(); l++) {
            if (layerInputs != null) {
                layerInputs.add(x); // stays in scope for the recomputation
            }
            try (NDManager lm = scope.newSubManager()) {
                if (layerInputs == null) {
                    x.attach(lm); // autograd keeps what backward needs
                } else {
                    x.tempAttach(lm); // ops on x land in lm; x itself returns to scope, kept for the recomputation
                }
                NDArray next = model.layer(l, x, tables, lm, dropout, withAdapters);
                next.attach(scope);
                x = next;
            }
        }
        NDArray predicting = x.get(new NDIndex(":, {}:{}", batch.firstLogit(), batch.firstLogit() + batch.steps()));
        NDArray flat = predicting.reshape(-1, predicting.getShape().get(2)); // [B*T, D]
        flat.attach(scope);
        return flat;
    }

    /** Log-probs and entropies {@code [B, T]} from hidden states {@code [B*T, D]}, chunk by chunk, no graph. */
    static NDArray[] headValues(Transformer model, NDArray hidden, Batch batch, int chunkTokens,
            NDManager scope) {
        NDArray targets = batch.targets().reshape(-1, 1); // [B*T, 1]
        targets.attach(scope);
        long n = hidden.getShape().get(0);
        NDList logProbs = new NDList();
        NDList entropies = new NDList();
        for (long start = 0; start < n; start += Math.max(1, chunkTokens)) {
            long end = Math.min(n, start + Math.max(1, chunkTokens));
            try (NDManager c = scope.newSubManager()) {
                NDArray h = hidden.get(new NDIndex("{}:{}", start, end));
                h.attach(c);
                NDArray lsm = logSoftmax(model, h, batch.temperature()); // [n, V]
                NDArray lp = lsm.gather(sliceOf(targets, start, end, c), 1).reshape(-1);
                NDArray ent = lsm.exp().mul(lsm).sum(new int[] {1}).neg();
                lp.attach(scope);
                ent.attach(scope);
                logProbs.add(lp);
                entropies.add(ent);
            }
        }
        NDArray lp = NDArrays.concat(logProbs, 0).reshape(batch.rows(), batch.steps()).mul(batch.valid());
        NDArray ent = NDArrays.concat(entropies, 0).reshape(batch.rows(), batch.steps()).mul(batch.valid());
        lp.attach(scope);
        ent.attach(scope);
        return new NDArray[] {lp, ent};
    }

    /** {@code log_softmax(head(h) / temperature)} over the vocabulary. */
    private static NDArray logSoftmax(Transformer model, NDArray h, float temperature) {
        return Scalars.div(model.head(h), temperature).logSoftmax(-1);
    }

    private static NDArray sliceOf(NDArray a, long start, long end, NDManager m) {
        NDArray s = a.get(new NDIndex("{}:{}", start, end));
        s.attach(m);
        return s;
    }
}
