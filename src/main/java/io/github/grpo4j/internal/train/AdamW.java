package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.grpo4j.config.OptimizerKeys;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) exactly as PyTorch's {@code torch.optim.AdamW}: decoupled weight
 * decay, bias-corrected moments, ε added to the bias-corrected √v̂.
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

    private final Map<String, NDArray> params;
    private final Options options;
    private final NDManager manager;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private long step;

    /** Moments start at zero in a manager of their own, attached under {@code parent}. */
    public AdamW(NDManager parent, Map<String, NDArray> params, Options options) {
        this.params = params;
        this.options = options;
        this.manager = parent.newSubManager();
        for (var e : params.entrySet()) {
            m.put(e.getKey(), manager.zeros(e.getValue().getShape()));
            v.put(e.getKey(), manager.zeros(e.getValue().getShape()));
        }
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
        step++;
        double b1 = options.beta1();
        double b2 = options.beta2();
        double bias1 = 1 - Math.pow(b1, step);
        double bias2 = 1 - Math.pow(b2, step);
        for (var e : params.entrySet()) {
            NDArray p = e.getValue();
            try (NDManager scope = manager.newSubManager();
                    NDArray grad = p.getGradient()) {
                NDArray mt = m.get(e.getKey());
                NDArray vt = v.get(e.getKey());
                if (options.weightDecay() != 0) {
                    p.muli((float) (1 - lr * options.weightDecay()));
                }
                // each temporary is closed as soon as it is used: for the embedding or output head of a real
                // vocabulary one is 0.5 GB, and keeping them all to the end of the scope held six at once
                try (NDArray g = grad.duplicate()) {
                    try (NDArray t = g.mul((float) (1 - b1))) {
                        mt.muli((float) b1).addi(t);
                    }
                    try (NDArray t = g.square()) {
                        vt.muli((float) b2).addi(t.muli((float) (1 - b2)));
                    }
                }
                // p -= lr/bias1 · m / (√(v/bias2) + ε)
                NDArray denom;
                try (NDArray vHat = vt.div((float) bias2)) {
                    denom = vHat.sqrt().addi((float) options.epsilon());
                }
                denom.attach(scope);
                try (NDArray delta = mt.mul((float) (lr / bias1))) {
                    p.subi(delta.divi(denom));
                }
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
