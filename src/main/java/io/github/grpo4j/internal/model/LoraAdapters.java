package io.github.grpo4j.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LoraSection;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import io.github.grpo4j.internal.tensor.Scalars;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * LoRA adapters of a {@link Transformer}, as PEFT builds them: each targeted linear layer {@code y = W x + b}
 * becomes {@code y = W x + b + scale · B (A dropout(x))} with A {@code [r, in]} and B {@code [out, r]}.
 * Only A and B are trainable; the base weights stay frozen.
 *
 * <p>Initialisation as PEFT's default: A as {@code nn.Linear} initialises its weight (Kaiming-uniform with
 * a = √5, i.e. U(−1/√in, 1/√in)), B = 0, so the adapted model starts equal to the base.
 *
 * <p>Parameters are named as PEFT saves them ({@code base_model.model.<module>.lora_A.weight}), so the
 * optimizer state and the adapter file share the names.
 *
 * <p>Dropout: applied to the adapters' input only in forwards that record gradients (the update; PEFT
 * applies it in training mode), never while generating or scoring the reference and old log-probs. Its
 * masks come from PyTorch's generator reseeded from the run's seed and a draw counter, which the
 * adapter file records, so a resumed run draws the same masks.
 */
public final class LoraAdapters implements AutoCloseable {

    /** Prefix PEFT puts before the transformers module path. */
    public static final String PEFT_PREFIX = "base_model.model.";

    private static final List<String> ATTENTION = List.of("q_proj", "k_proj", "v_proj", "o_proj");

    /** A and B of one adapted linear layer. */
    record Pair(NDArray a, NDArray b) {}

    private final LoraSection settings;
    private final double scale;
    private final NDManager manager;
    private final Map<String, Pair> byModule;   // transformers module path -> A, B
    private final Map<String, NDArray> params;  // PEFT tensor name -> A or B, in module order
    private final long dropoutSeed;
    private long dropoutDraws;

    private LoraAdapters(LoraSection settings, NDManager manager, Map<String, Pair> byModule, long dropoutSeed) {
        this.settings = settings;
        this.scale = settings.scale();
        this.manager = manager;
        this.byModule = byModule;
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, Pair> e : byModule.entrySet()) {
            p.put(loraName(e.getKey(), "A"), e.getValue().a());
            p.put(loraName(e.getKey(), "B"), e.getValue().b());
        }
        this.params = Collections.unmodifiableMap(p);
        this.dropoutSeed = dropoutSeed;
    }

    /** {@return PEFT's tensor name of A or B ({@code which}) of a module} */
    public static String loraName(String module, String which) {
        return PEFT_PREFIX + module + ".lora_" + which + ".weight";
    }

    /**
     * The transformers module paths ({@code model.layers.0.self_attn.q_proj}) that {@code settings} targets in
     * a model with {@code config}, each with its weight shape {@code [out, in]}.
     *
     * @throws Grpo4jException when {@code r} ≤ 0 or a target module names no linear layer of the model
     */
    public static Map<String, Shape> targets(ModelConfig config, LoraSection settings) {
        if (settings.r() <= 0) {
            throw new Grpo4jException("model.lora.r is " + settings.r() + "; valid: an integer >= 1");
        }
        if (!(settings.loraAlpha() > 0)) {
            throw new Grpo4jException("model.lora.lora_alpha is " + settings.loraAlpha() + "; valid: > 0");
        }
        if (!(settings.loraDropout() >= 0 && settings.loraDropout() < 1)) {
            throw new Grpo4jException("model.lora.lora_dropout is " + settings.loraDropout() + "; valid: [0, 1)");
        }
        Map<String, Shape> shapes = Transformer.expectedShapes(config);
        List<String> wanted = settings.resolvedTargets();
        for (String t : wanted) {
            if (!LoraSection.ALL_LINEAR.contains(t)) {
                throw new Grpo4jException("model.lora.target_modules names '" + t + "', which is no linear layer of a "
                        + config.modelType() + " model; valid: " + String.join(", ", LoraSection.ALL_LINEAR)
                        + " or all-linear");
            }
        }
        Map<String, Shape> out = new LinkedHashMap<>();
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            for (String t : LoraSection.ALL_LINEAR) { // model order, whatever order the config lists them in
                if (wanted.contains(t)) {
                    String module = "model.layers." + l + "." + (ATTENTION.contains(t) ? "self_attn." : "mlp.") + t;
                    out.put(module, shapes.get(module + ".weight"));
                }
            }
        }
        return out;
    }

    /**
     * Fresh adapters as PEFT initialises them: A Kaiming-uniform(a = √5), B = 0.
     *
     * @param seed seeds A (each matrix draws from its own stream) and the dropout masks
     */
    public static LoraAdapters init(ModelConfig config, LoraSection settings, long seed) {
        Map<String, Shape> targets = targets(config, settings);
        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, Pair> byModule = new LinkedHashMap<>();
            int index = 0;
            for (Map.Entry<String, Shape> e : targets.entrySet()) {
                long out = e.getValue().get(0);
                long in = e.getValue().get(1);
                int r = settings.r();
                SplittableRandom rng = new SplittableRandom(mix(seed, index++));
                float[] a = new float[Math.toIntExact(r * in)];
                double bound = 1.0 / Math.sqrt(in); // kaiming_uniform_(a=sqrt(5)): gain sqrt(1/3) · sqrt(3 / fan_in)
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (rng.nextDouble() * 2 * bound - bound);
                }
                byModule.put(e.getKey(), new Pair(OwnedArrays.of(manager, a, new Shape(r, in)),
                        manager.zeros(new Shape(out, r))));
            }
            LoraAdapters adapters = new LoraAdapters(settings, manager, byModule, mix(seed, -1));
            adapters.nameParameters();
            return adapters;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Adapters holding the given A and B values (an adapter file's), checked against the model's shapes.
     *
     * @param tensors      float values and shape by PEFT tensor name
     * @param source       named in errors (the adapter file)
     * @param dropoutSeed  seeds the dropout masks
     * @param dropoutDraws masks drawn so far (0 for a new run)
     * @throws Grpo4jException when a tensor is missing, extra or mis-shaped
     */
    static LoraAdapters of(ModelConfig config, LoraSection settings, Map<String, Safetensors.Tensor> tensors,
            String source, long dropoutSeed, long dropoutDraws) {
        Map<String, Shape> targets = targets(config, settings);
        int r = settings.r();
        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, Pair> byModule = new LinkedHashMap<>();
            List<String> expectedNames = new ArrayList<>();
            for (Map.Entry<String, Shape> e : targets.entrySet()) {
                Shape w = e.getValue();
                NDArray a = read(manager, tensors, loraName(e.getKey(), "A"), new Shape(r, w.get(1)), source);
                NDArray b = read(manager, tensors, loraName(e.getKey(), "B"), new Shape(w.get(0), r), source);
                byModule.put(e.getKey(), new Pair(a, b));
                expectedNames.add(loraName(e.getKey(), "A"));
                expectedNames.add(loraName(e.getKey(), "B"));
            }
            for (String name : tensors.keySet()) {
                if (!expectedNames.contains(name)) {
                    throw new Grpo4jException(source + ": tensor '" + name + "' is not an adapter of this model's "
                            + "target modules (" + String.join(", ", settings.resolvedTargets()) + ", "
                            + config.numHiddenLayers() + " layers)");
                }
            }
            LoraAdapters adapters = new LoraAdapters(settings, manager, byModule, dropoutSeed);
            adapters.dropoutDraws = dropoutDraws;
            adapters.nameParameters();
            return adapters;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static NDArray read(NDManager manager, Map<String, Safetensors.Tensor> tensors, String name, Shape shape,
            String source) {
        Safetensors.Tensor t = tensors.get(name);
        if (t == null) {
            throw new Grpo4jException(source + ": tensor '" + name + "' is missing (expected shape " + shape
                    + " for this base model and adapter_config.json)");
        }
        Shape found = new Shape(t.shape());
        if (!found.equals(shape)) {
            throw new Grpo4jException(source + ": tensor '" + name + "' has shape " + found + ", expected " + shape
                    + ": the adapter was made for another base model or rank");
        }
        return OwnedArrays.of(manager, Safetensors.toFloatArray(name, t), shape);
    }

    /** {@return a deep copy, not set up for training} */
    LoraAdapters copy() {
        NDManager m = NDManager.newBaseManager();
        try {
            Map<String, Pair> copied = new LinkedHashMap<>();
            for (Map.Entry<String, Pair> e : byModule.entrySet()) {
                copied.put(e.getKey(), new Pair(duplicate(e.getValue().a(), m), duplicate(e.getValue().b(), m)));
            }
            LoraAdapters c = new LoraAdapters(settings, m, copied, dropoutSeed);
            c.dropoutDraws = dropoutDraws;
            c.nameParameters();
            return c;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private static NDArray duplicate(NDArray p, NDManager m) {
        NDArray detached = p.stopGradient();
        NDArray c = detached.duplicate();
        detached.close();
        c.attach(m);
        return c;
    }

    private void nameParameters() {
        params.forEach((name, p) -> p.setName(name));
    }

    private static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** {@return the settings (rank, alpha, dropout, targets)} */
    public LoraSection settings() {
        return settings;
    }

    /** {@return the trainable A and B matrices by PEFT tensor name, in module order} */
    public Map<String, NDArray> parameters() {
        return params;
    }

    /** {@return the adapted module paths with their A and B} */
    Map<String, Pair> modules() {
        return byModule;
    }

    /** {@return whether {@code module} (a transformers module path) has an adapter} */
    boolean adapts(String module) {
        return byModule.containsKey(module);
    }

    /** {@return the seed of the dropout masks} */
    long dropoutSeed() {
        return dropoutSeed;
    }

    /** {@return how many dropout masks have been drawn (recorded in the adapter file for resume)} */
    long dropoutDraws() {
        return dropoutDraws;
    }

    /**
     * Called once at the start of every forward: with dropout on and autograd recording (the update),
     * reseeds PyTorch's generator for this forward's masks.
     *
     * @return whether this forward applies dropout
     */
    boolean beginForward() {
        if (settings.loraDropout() == 0 || !JniUtils.isGradMode()) {
            return false;
        }
        JniUtils.setSeed(mix(dropoutSeed, dropoutDraws++));
        return true;
    }

    /**
     * {@code base + scale · B (A dropout(x))} for a module; {@code base} unchanged when the module has no
     * adapter. Results land in {@code x}'s manager.
     *
     * @param x       the layer's input {@code [..., in]}
     * @param base    {@code W x + b}, {@code [..., out]}
     * @param dropout whether to apply dropout (from {@link #beginForward})
     */
    NDArray apply(String module, NDArray x, NDArray base, boolean dropout) {
        Pair p = byModule.get(module);
        if (p == null) {
            return base;
        }
        NDArray in = dropout ? JniUtils.dropout((PtNDArray) x, settings.loraDropout(), true) : x;
        if (dropout) {
            in.attach(x.getManager());
        }
        NDArray low = Linear.linear(in, p.a(), null).singletonOrThrow();   // [..., r]
        NDArray up = Linear.linear(low, p.b(), null).singletonOrThrow();   // [..., out]
        return base.add(Scalars.mul(up, scale));
    }

    /** {@code scale · B A} of a module, {@code [out, in]}, in {@code manager} (for merging). */
    NDArray delta(String module, NDManager manager) {
        Pair p = byModule.get(module);
        try (NDManager scope = manager.newSubManager()) {
            NDArray b = p.b().stopGradient();
            NDArray a = p.a().stopGradient();
            b.attach(scope);
            a.attach(scope);
            NDArray scaled = Scalars.mul(b.matMul(a), scale);
            scaled.attach(manager);
            return scaled;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
