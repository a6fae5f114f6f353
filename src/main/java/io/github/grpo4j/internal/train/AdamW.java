package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.github.grpo4j.config.OptimizerKeys;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) exactly as PyTorch's {@code torch.optim.AdamW}: decoupled weight
 * decay, bias-corrected moments, ε added to the bias-corrected √v̂.
 *
 * <p>A tensor larger than {@link #BLOCK_BYTES} is updated in blocks of rows, each through views of the
 * weight, gradient and moments: every operation is elementwise, so the values are the same bits, and the
 * temporaries are the size of a block instead of the tensor (for the embedding or output head of a
 * 151,936-token vocabulary, 64 MiB instead of 0.54 GB each). Smaller blocks, to keep a block in the CPU's
 * cache across the update's operations, did not make the 0.5B-shaped step faster (2 MiB: 15.1 s update
 * against 14.0 s, one run each, 1 Dec 2026).
 *
 * <p>We own the moment estimates (DJL's AdamW keeps them private and folds bias correction into the
 * learning rate), so they can be written to a checkpoint and a resumed run continues bit for bit.
 */
public final class AdamW implements AutoCloseable {

    /** Hyper-parameters; defaults follow TRL's GRPOConfig (β2 0.99 is GRPO's, not Adam's usual 0.999). */
    public record Options(double beta1, double beta2, double epsilon, double weightDecay) {
        public static Options defaults() {
            return new Options(0.9, 0.99, 1e-8, 0.0);
        }

        /** {@return the AdamW settings of a config section (GRPO's {@code training}, or the warm start's)} */
        public static Options of(OptimizerKeys keys) {
            return new Options(keys.adamBeta1(), keys.adamBeta2(), keys.adamEpsilon(), keys.weightDecay());
        }
    }

    /** Tensors above this size are updated in blocks of rows of at most this size. */
    static final long BLOCK_BYTES = 64L << 20;

    private final Map<String, NDArray> params;
    private final Options options;
    private final long blockBytes;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;
    private Consumer<Map<String, NDArray>> beforeUpdate = params -> { };

    /** Moments start at zero in a manager of their own, attached under {@code parent}. */
    public AdamW(NDManager parent, Map<String, NDArray> params, Options options) {
        this(parent, params, options, BLOCK_BYTES);
    }

    /** As {@link #AdamW(NDManager, Map, Options)}, updating tensors in blocks of at most {@code blockBytes} (tests). */
    AdamW(NDManager parent, Map<String, NDArray> params, Options options, long blockBytes) {
        this.params = params;
        this.options = options;
        this.blockBytes = blockBytes;
        this.manager = parent.newSubManager();
        for (var e : params.entrySet()) {
            m.put(e.getKey(), manager.zeros(e.getValue().getShape()));
            v.put(e.getKey(), manager.zeros(e.getValue().getShape()));
        }
    }

    /**
     * Calls {@code observer} at the start of each {@link #update} with the parameters, while they hold the
     * gradients the update applies (after clipping). The trainers free the gradients after each update, so
     * this is where a test reads the applied gradient; replaces any earlier observer.
     */
    public void beforeUpdate(Consumer<Map<String, NDArray>> observer) {
        this.beforeUpdate = observer;
    }

    /** Number of updates done so far (PyTorch's per-parameter {@code step}). */
    public long step() {
        return step;
    }

    /**
     * One update with the gradients currently held by the parameters. Gradients are read, not changed.
     *
     * @param lr learning rate for this update (from the schedule)
     */
    public void update(double lr) {
        beforeUpdate.accept(params);
        step++;
        double b1 = options.beta1();
        double b2 = options.beta2();
        double bias1 = 1 - Math.pow(b1, step);
        double bias2 = 1 - Math.pow(b2, step);
        for (var e : params.entrySet()) {
            NDArray p = e.getValue();
            try (NDArray grad = p.getGradient()) {
                NDArray mt = m.get(e.getKey());
                NDArray vt = v.get(e.getKey());
                if (options.weightDecay() != 0) {
                    p.muli((float) (1 - lr * options.weightDecay()));
                }
                long rows = p.getShape().dimension() == 0 ? 1 : p.getShape().get(0);
                long perBlock = rows * Math.max(1, blockBytes) / Math.max(1, p.size() * 4);
                if (perBlock >= rows) {
                    update(p, grad, mt, vt, lr, bias1, bias2);
                    continue;
                }
                for (long r = 0; r < rows; r += Math.max(1, perBlock)) {
                    // views: the in-place updates of a block write into the tensors themselves
                    NDIndex block = new NDIndex("{}:{}", r, Math.min(rows, r + Math.max(1, perBlock)));
                    try (NDArray pb = p.get(block); NDArray gb = grad.get(block); NDArray mb = mt.get(block);
                            NDArray vb = vt.get(block)) {
                        update(pb, gb, mb, vb, lr, bias1, bias2);
                    }
                }
            }
        }
    }

    /**
     * The update of weights {@code p} (in place) and moments {@code mt}, {@code vt} (in place) for gradient
     * {@code grad}, in the order of PyTorch's single-tensor AdamW: {@code denom = √v / √(1-β2^t) + ε},
     * {@code p -= lr/(1-β1^t) · (m / denom)}. Four temporaries of the tensor's (or block's) size, at most two
     * at once, every other operation in place: on a large model each fresh temporary is memory the system
     * must fault in (0.5B shape: the earlier order, one temporary more, and clipping's squared copy made the
     * update about 3 s slower, 1 Dec 2026).
     */
    private void update(NDArray p, NDArray grad, NDArray mt, NDArray vt, double lr, double bias1, double bias2) {
        double b1 = options.beta1();
        double b2 = options.beta2();
        try (NDArray t = grad.mul((float) (1 - b1))) {
            mt.muli((float) b1).addi(t);
        }
        try (NDArray t = grad.square()) {
            vt.muli((float) b2).addi(t.muli((float) (1 - b2)));
        }
        try (NDArray denom = vt.sqrt()) {
            denom.divi((float) Math.sqrt(bias2)).addi((float) options.epsilon());
            try (NDArray step = mt.div(denom)) {
                p.subi(step.muli((float) (lr / bias1)));
            }
        }
    }

    /** The state to checkpoint: moments by {@code "m." + name} and {@code "v." + name}. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("m." + k, a));
        v.forEach((k, a) -> out.put("v." + k, a));
        return out;
    }

    /** Restores moments written by {@link #state()} (as float arrays) and the update count. */
    public void load(Map<String, float[]> state, long step) {
        for (String k : params.keySet()) {
            float[] mk = state.get("m." + k);
            float[] vk = state.get("v." + k);
            if (mk == null || vk == null) {
                throw new io.github.grpo4j.Grpo4jException("optimizer state has no moments for parameter " + k);
            }
            // fresh arrays rather than NDArray.set: DJL's set goes through a libtorch guard that prints
            // "AutoNonVariableTypeMode is deprecated" on every resume
            replace(m, k, mk);
            replace(v, k, vk);
        }
        this.step = step;
    }

    private void replace(Map<String, NDArray> moments, String name, float[] values) {
        NDArray old = moments.get(name);
        moments.put(name, OwnedArrays.of(manager, values, old.getShape()));
        old.close();
    }

    @Override
    public void close() {
        manager.close();
    }
}
