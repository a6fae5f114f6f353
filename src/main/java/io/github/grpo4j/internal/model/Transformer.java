package io.github.grpo4j.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Linear;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A decoder-only transformer of the Llama / Qwen2 / Qwen3 family on DJL NDArrays, with Hugging Face
 * tensor names, loaded from and saved to a Hugging Face model directory ({@code config.json} +
 * {@code model.safetensors}).
 *
 * <p>Per layer: {@code x += o(attn(rope(q(norm(x))), rope(k(norm(x))), v(norm(x))))}, then {@code x +=
 * down(silu(gate(norm(x))) * up(norm(x)))}; final norm and the output head. Qwen2 adds q/k/v biases,
 * Qwen3 a per-head RMSNorm on q and k before RoPE. Grouped-query attention is done without repeating
 * K/V: queries are reshaped to {@code [B, KV, groups*S, d]} so each KV head serves its group in one
 * batched matmul.
 *
 * <p>Memory discipline: every intermediate of a forward lives in a per-layer sub-manager of the
 * caller's manager and is closed when the layer ends (autograd keeps what backward needs inside
 * PyTorch); only the logits survive, attached to the manager of {@code ids}. Ops put the step's
 * array first so nothing lands in the model's manager.
 */
public final class Transformer implements ConfiguredLm {
    /** Added to the scores of masked keys; finite so fully masked (padding) rows give no NaN. */
    private static final float MASKED = -1e9f;

    private final ModelConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> params; // HF name -> float32 parameter, HF order
    private final Layer[] layers;
    private final NDArray embed;    // [V, D]
    private final NDArray finalNorm; // [D]
    private final NDArray lmHead;   // [V, D], the embedding when tied
    private final NDArray invFreq;  // [d/2] not trainable
    private LoraAdapters adapters;  // null: full fine-tuning
    private String nameOrPath;      // the directory it was loaded from, null for a fresh model

    /** The parameters of one decoder layer; biases and q/k norms are null when the model has none. */
    private record Layer(
            NDArray inputNorm, NDArray q, NDArray qBias, NDArray k, NDArray kBias, NDArray v, NDArray vBias,
            NDArray o, NDArray oBias, NDArray qNorm, NDArray kNorm, NDArray postNorm,
            NDArray gate, NDArray up, NDArray down) {}

    /** A model over {@code params} (Hugging Face names, {@link #expectedShapes} order), owned by {@code manager}. */
    Transformer(ModelConfig config, NDManager manager, Map<String, NDArray> params) {
        this.config = config;
        this.manager = manager;
        this.params = Collections.unmodifiableMap(params);
        this.embed = params.get("model.embed_tokens.weight");
        this.finalNorm = params.get("model.norm.weight");
        this.lmHead = config.tieWordEmbeddings() ? embed : params.get("lm_head.weight");
        this.layers = new Layer[config.numHiddenLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "model.layers." + i + ".";
            layers[i] = new Layer(
                    params.get(p + "input_layernorm.weight"),
                    params.get(p + "self_attn.q_proj.weight"), params.get(p + "self_attn.q_proj.bias"),
                    params.get(p + "self_attn.k_proj.weight"), params.get(p + "self_attn.k_proj.bias"),
                    params.get(p + "self_attn.v_proj.weight"), params.get(p + "self_attn.v_proj.bias"),
                    params.get(p + "self_attn.o_proj.weight"), params.get(p + "self_attn.o_proj.bias"),
                    params.get(p + "self_attn.q_norm.weight"), params.get(p + "self_attn.k_norm.weight"),
                    params.get(p + "post_attention_layernorm.weight"),
                    params.get(p + "mlp.gate_proj.weight"), params.get(p + "mlp.up_proj.weight"),
                    params.get(p + "mlp.down_proj.weight"));
        }
        float[] inv = Rope.inverseFrequencies(config);
        this.invFreq = manager.create(inv, new Shape(inv.length)); // [d/2]
    }

    /**
     * The tensors a model with {@code config} has, by Hugging Face name, with their shapes, in the order
     * transformers lists them.
     */
    public static Map<String, Shape> expectedShapes(ModelConfig config) {
        long d = config.hiddenSize();
        long q = (long) config.numAttentionHeads() * config.headDim();
        long kv = (long) config.numKeyValueHeads() * config.headDim();
        long inter = config.intermediateSize();
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", new Shape(config.vocabSize(), d));
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            m.put(p + "self_attn.q_proj.weight", new Shape(q, d));
            if (config.qkvBias()) {
                m.put(p + "self_attn.q_proj.bias", new Shape(q));
            }
            m.put(p + "self_attn.k_proj.weight", new Shape(kv, d));
            if (config.qkvBias()) {
                m.put(p + "self_attn.k_proj.bias", new Shape(kv));
            }
            m.put(p + "self_attn.v_proj.weight", new Shape(kv, d));
            if (config.qkvBias()) {
                m.put(p + "self_attn.v_proj.bias", new Shape(kv));
            }
            m.put(p + "self_attn.o_proj.weight", new Shape(d, q));
            if (config.outputBias()) {
                m.put(p + "self_attn.o_proj.bias", new Shape(d));
            }
            if (config.qkNorm()) {
                m.put(p + "self_attn.q_norm.weight", new Shape(config.headDim()));
                m.put(p + "self_attn.k_norm.weight", new Shape(config.headDim()));
            }
            m.put(p + "mlp.gate_proj.weight", new Shape(inter, d));
            m.put(p + "mlp.up_proj.weight", new Shape(inter, d));
            m.put(p + "mlp.down_proj.weight", new Shape(d, inter));
            m.put(p + "input_layernorm.weight", new Shape(d));
            m.put(p + "post_attention_layernorm.weight", new Shape(d));
        }
        m.put("model.norm.weight", new Shape(d));
        if (!config.tieWordEmbeddings()) {
            m.put("lm_head.weight", new Shape(config.vocabSize(), d));
        }
        return m;
    }

    // ---------------------------------------------------------------- construction

    /** Values drawn at once: larger tensors are filled in blocks of rows (no Java copy of a 0.5 GB tensor). */
    static final int RANDOM_BLOCK_FLOATS = 1 << 22;

    /**
     * normal(0, std) values from {@code rng} in row-major order. A tensor of more than
     * {@link #RANDOM_BLOCK_FLOATS} values is filled block of rows by block through one reused array, so a large
     * model's initialisation does not leave its size in Java arrays and direct buffers for the collector, on
     * top of the tensors themselves (the bench's 0.5B-shaped model: 2.5 GB of each); the values are the same.
     */
    static NDArray randomNormal(NDManager manager, Shape shape, SplittableRandom rng, double std) {
        return randomNormal(manager, shape, rng, std, RANDOM_BLOCK_FLOATS);
    }

    /** As {@link #randomNormal(NDManager, Shape, SplittableRandom, double)}, in blocks of {@code blockFloats} (tests). */
    static NDArray randomNormal(NDManager manager, Shape shape, SplittableRandom rng, double std, int blockFloats) {
        long size = shape.size();
        long rows = shape.dimension() == 0 ? 1 : shape.get(0);
        long rowSize = size / Math.max(1, rows);
        long perBlock = Math.max(1, blockFloats / Math.max(1, rowSize));
        if (perBlock >= rows) {
            float[] values = new float[Math.toIntExact(size)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (rng.nextGaussian() * std);
            }
            return OwnedArrays.owned(manager.create(values, shape));
        }
        NDArray p = manager.zeros(shape, DataType.FLOAT32);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocateDirect(Math.toIntExact(perBlock * rowSize * 4))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long[] blockShape = shape.getShape().clone();
        for (long r = 0; r < rows; r += perBlock) {
            long n = Math.min(perBlock, rows - r);
            int count = Math.toIntExact(n * rowSize);
            buffer.clear();
            for (int i = 0; i < count; i++) {
                buffer.putFloat((float) (rng.nextGaussian() * std));
            }
            buffer.flip();
            blockShape[0] = n;
            // create aliases the reused buffer; set copies it into the tensor before the next block is drawn
            try (NDArray block = manager.create(buffer, new Shape(blockShape), DataType.FLOAT32)) {
                p.set(new NDIndex("{}:{}", r, r + n), block);
            }
        }
        return p;
    }

    /**
     * A new model with random weights, as transformers initialises one: matrices normal(0, {@code
     * initializer_range}), norms 1, biases 0. The same config and seed give the same weights (each
     * tensor draws from its own {@link SplittableRandom} seeded from {@code seed} and its index).
     */
    public static Transformer random(ModelConfig config, long seed) {
        NDManager manager = NDManager.newBaseManager();
        try {
            Map<String, NDArray> params = new LinkedHashMap<>();
            int index = 0;
            for (Map.Entry<String, Shape> e : expectedShapes(config).entrySet()) {
                String name = e.getKey();
                Shape shape = e.getValue();
                NDArray p;
                if (name.endsWith("norm.weight")) {
                    p = manager.ones(shape, DataType.FLOAT32);
                } else if (name.endsWith(".bias")) {
                    p = manager.zeros(shape, DataType.FLOAT32);
                } else {
                    p = randomNormal(manager, shape, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index),
                            config.initializerRange());
                }
                p.setName(name);
                params.put(name, p);
                index++;
            }
            return new Transformer(config, manager, params);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Loads a Hugging Face model directory ({@link HfModelDirectory#load}).
     *
     * @throws Grpo4jException when a file is missing or corrupt, or a tensor is missing or mis-shaped
     */
    public static Transformer load(Path dir) {
        Transformer t = HfModelDirectory.load(dir);
        t.nameOrPath = dir.toString();
        return t;
    }

    /** Saves this model as a Hugging Face model directory ({@link HfModelDirectory#save}). */
    public void save(Path dir) {
        HfModelDirectory.save(this, dir);
    }

    /**
     * A deep copy with its own manager and parameters that do not require gradients (e.g. the frozen
     * reference model of GRPO's KL term), LoRA adapters included.
     */
    public Transformer copy() {
        NDManager m = NDManager.newBaseManager();
        try {
            Map<String, NDArray> copied = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray detached = e.getValue().stopGradient();
                NDArray c = detached.duplicate();
                detached.close();
                c.attach(m);
                c.setName(e.getKey());
                copied.put(e.getKey(), c);
            }
            Transformer t = new Transformer(config, m, copied);
            t.nameOrPath = nameOrPath;
            t.adapters = adapters == null ? null : adapters.copy();
            return t;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    /** The manager owning the parameters (tests check that forwards add nothing to it). */
    NDManager manager() {
        return manager;
    }

    @Override
    public KvCache newCache(NDManager cacheManager, int batch, int capacity) {
        return new TransformerKvCache(cacheManager, config, batch, capacity);
    }

    /** The trainable parameters: the LoRA matrices when adapters are attached, else every weight. */
    @Override
    public Map<String, NDArray> parameters() {
        return adapters != null ? adapters.parameters() : params;
    }

    /** {@return every weight of the base model by Hugging Face name (frozen when adapters are attached)} */
    public Map<String, NDArray> baseParameters() {
        return params;
    }

    /** {@return the directory the model was loaded from, or null for a fresh model} */
    public String nameOrPath() {
        return nameOrPath;
    }

    /** {@return the attached LoRA adapters, or null} */
    public LoraAdapters adapters() {
        return adapters;
    }

    /**
     * Attaches LoRA adapters made for this model's config (the model owns and closes them); from now on
     * {@link #parameters()} are their A and B matrices and the base weights stay frozen.
     *
     * @throws IllegalStateException when adapters are attached already
     */
    public void attachAdapters(LoraAdapters lora) {
        if (adapters != null) {
            throw new IllegalStateException("this model has LoRA adapters already");
        }
        this.adapters = lora;
    }

    /**
     * Folds the adapters into the base weights, {@code W ← W + scale · B A}, and drops them: the model is then
     * a plain model whose forward equals the adapted one (up to float rounding). For {@code grpo4j merge}.
     */
    public void mergeAdapters() {
        if (adapters == null) {
            throw new IllegalStateException("this model has no LoRA adapters to merge");
        }
        try (NDManager scope = manager.newSubManager()) {
            for (String module : adapters.modules().keySet()) {
                params.get(module + ".weight").addi(adapters.delta(module, scope));
            }
        }
        adapters.close();
        adapters = null;
    }

    /**
     * The same model with the adapters switched off, sharing every weight (no copy): the reference model of
     * a LoRA run. Closing the view closes nothing; it has no trainable parameters.
     */
    public CausalLm baseView() {
        return new BaseView(this);
    }

    /**
     * A model seen with its LoRA adapters switched off ({@link #baseView}): every forward is the base
     * model's, sharing its weights.
     */
    public static final class BaseView implements ConfiguredLm {
        private final Transformer model;

        private BaseView(Transformer model) {
            this.model = model;
        }

        /** {@return the model whose adapters this view switches off} */
        public Transformer model() {
            return model;
        }

        @Override
        public ModelConfig config() {
            return model.config();
        }

        @Override
        public KvCache newCache(NDManager m, int batch, int capacity) {
            return model.newCache(m, batch, capacity);
        }

        @Override
        public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache) {
            return model.forward(ids, positions, attentionMask, cache, 0, false);
        }

        @Override
        public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache, int first) {
            return model.forward(ids, positions, attentionMask, cache, first, false);
        }

        @Override
        public Map<String, NDArray> parameters() {
            return Map.of();
        }

        @Override
        public void close() {
            // a view: the model owns the weights
        }
    }

    // ---------------------------------------------------------------- forward

    @Override
    public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache) {
        return forward(ids, positions, attentionMask, cache, 0);
    }

    /**
     * {@link CausalLm#forward} computing logits only from position {@code firstLogit} on ({@code [B, S -
     * firstLogit, vocab]}): a prefill before sampling needs the last position only, and scoring only the
     * completion's, which saves most of the output head's cost and memory (large with a 150k vocabulary).
     */
    @Override
    public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache, int firstLogit) {
        return forward(ids, positions, attentionMask, cache, firstLogit, true);
    }

    /**
     * The forward with the LoRA adapters on or off ({@code withAdapters} false gives exactly the base model;
     * ignored without adapters).
     */
    public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache, int firstLogit,
            boolean withAdapters) {
        LoraAdapters lora = withAdapters ? adapters : null;
        boolean dropout = lora != null && lora.beginForward();
        Shape idShape = ids.getShape();
        if (idShape.dimension() != 2) {
            throw new IllegalArgumentException("ids must be [batch, seq], got " + idShape);
        }
        int batch = (int) idShape.get(0);
        int seq = (int) idShape.get(1);
        TransformerKvCache kv = null;
        if (cache != null) {
            if (!(cache instanceof TransformerKvCache c)) {
                throw new IllegalArgumentException("cache was not made by this model's newCache");
            }
            kv = c;
            if (kv.batchSize() != batch) {
                throw new IllegalArgumentException("cache holds " + kv.batchSize() + " rows, ids have " + batch);
            }
        }
        int past = kv == null ? 0 : kv.length();
        int total = past + seq;
        if (total > config.maxPositionEmbeddings()) {
            throw new Grpo4jException("sequence of " + total + " tokens (" + past + " cached + " + seq
                    + " new) is longer than the model's max_position_embeddings = " + config.maxPositionEmbeddings());
        }
        if (kv != null && total > kv.capacity()) {
            throw new Grpo4jException("sequence of " + total + " tokens does not fit the KV cache capacity "
                    + kv.capacity() + "; allocate the cache for prompt + max new tokens");
        }
        if (!positions.getShape().equals(idShape)) {
            throw new IllegalArgumentException("positions must have the shape of ids " + idShape + ", got "
                    + positions.getShape());
        }
        if (!attentionMask.getShape().equals(new Shape(batch, total))) {
            throw new IllegalArgumentException("attentionMask must be [batch, cached + seq] = [" + batch + ", "
                    + total + "], got " + attentionMask.getShape());
        }

        NDManager out = ids.getManager();
        float eps = (float) config.rmsNormEps();
        try (NDManager step = out.newSubManager()) {
            // token embeddings [B, S, D]; torch's embedding puts the result in the ids' manager, so move it
            NDArray x = ids.getNDArrayInternal().embedding(ids, embed, SparseFormat.DENSE).singletonOrThrow();
            x.attach(step);
            // RoPE tables for keys, and for queries with the 1/sqrt(d) score scale folded in (one op less per layer)
            NDArray[] rope = ropeTables(positions, step);      // cos, signed sin: [B, S, 1, d]
            double scale = 1.0 / Math.sqrt(config.headDim());
            NDArray[] ropeQ = {rope[0].mul(scale), rope[1].mul(scale)};
            // causal + padding mask as an additive bias on the attention scores
            NDArray bias = maskBias(attentionMask, past, seq, step); // [B, 1, 1, S, P+S]

            for (int l = 0; l < layers.length; l++) {
                Layer w = layers[l];
                try (NDManager lm = step.newSubManager()) {
                    x.attach(lm); // the layer's input dies with the layer; its output moves to step
                    // attention block with a residual connection
                    NDArray mid = x.add(attention(w, l, rmsNorm(x, w.inputNorm(), eps), ropeQ, rope, bias, kv, lm,
                            lora, dropout));
                    // MLP block with a residual connection
                    NDArray next = mid.add(mlp(w, l, rmsNorm(mid, w.postNorm(), eps), lora, dropout)); // [B, S, D]
                    next.attach(step);
                    x = next;
                }
            }
            if (kv != null) {
                kv.advance(seq);
            }
            if (firstLogit > 0) {
                // only these positions need the vocabulary projection, by far the widest matmul
                x = x.get(new NDIndex(":, {}:", firstLogit));          // [B, S - firstLogit, D]
            }
            // final norm and the output head
            NDArray normed = rmsNorm(x, finalNorm, eps);
            NDArray logits = Linear.linear(normed, lmHead, null).singletonOrThrow(); // [B, S, V]
            logits.attach(out);
            return logits;
        }
    }

    /** What every layer of one forward shares: RoPE tables and the attention mask bias. */
    record Tables(NDArray[] rope, NDArray[] ropeQ, NDArray bias) {}

    /** The RoPE tables and mask bias of a cache-less forward over {@code seq} positions, in {@code step}. */
    Tables tables(NDArray positions, NDArray attentionMask, int seq, NDManager step) {
        NDArray[] rope = ropeTables(positions, step);      // cos, signed sin: [B, S, 1, d]
        double scale = 1.0 / Math.sqrt(config.headDim());
        NDArray[] ropeQ = {rope[0].mul(scale), rope[1].mul(scale)};
        return new Tables(rope, ropeQ, maskBias(attentionMask, 0, seq, step));
    }

    /** Token embeddings {@code [B, S, D]} of {@code ids}, in {@code step}. */
    NDArray embed(NDArray ids, NDManager step) {
        // torch's embedding puts the result in the ids' manager, so move it to the step's
        NDArray x = ids.getNDArrayInternal().embedding(ids, embed, SparseFormat.DENSE).singletonOrThrow();
        x.attach(step);
        return x;
    }

    /** Whether the embedding weight requires a gradient (not when it is frozen under LoRA adapters). */
    boolean embeddingTrains() {
        return embed.hasGradient();
    }

    /** The number of decoder layers. */
    int layerCount() {
        return layers.length;
    }

    /** Whether the attached adapters apply dropout (their masks are drawn per forward). */
    boolean adapterDropout() {
        return adapters != null && adapters.settings().loraDropout() > 0;
    }

    /** Starts a training forward through {@link #layer}: whether LoRA dropout applies to it. */
    boolean beginLayerForward() {
        return adapters != null && adapters.beginForward();
    }

    /**
     * Decoder layer {@code l} (adapters on) on {@code x} {@code [B, S, D]} without a cache: returns
     * {@code [B, S, D]}; intermediates land in {@code x}'s manager (attach {@code x} to a layer scope).
     */
    NDArray layer(int l, NDArray x, Tables t, NDManager lm, boolean dropout) {
        return layer(l, x, t, lm, dropout, true);
    }

    /** As {@link #layer(int, NDArray, Tables, NDManager, boolean)}, the adapters on or off. */
    NDArray layer(int l, NDArray x, Tables t, NDManager lm, boolean dropout, boolean withAdapters) {
        LoraAdapters lora = withAdapters ? adapters : null;
        Layer w = layers[l];
        float eps = (float) config.rmsNormEps();
        NDArray mid = x.add(attention(w, l, rmsNorm(x, w.inputNorm(), eps), t.ropeQ(), t.rope(), t.bias(), null, lm,
                lora, dropout));
        return mid.add(mlp(w, l, rmsNorm(mid, w.postNorm(), eps), lora, dropout)); // [B, S, D]
    }

    /** Final norm and output head: hidden states {@code [..., D]} to logits {@code [..., vocab]}. */
    NDArray head(NDArray x) {
        NDArray normed = rmsNorm(x, finalNorm, (float) config.rmsNormEps());
        return Linear.linear(normed, lmHead, null).singletonOrThrow();
    }

    /** {@code x W^T + b}, plus the module's LoRA update when {@code lora} adapts it. */
    private static NDArray linear(LoraAdapters lora, boolean dropout, String module, NDArray x, NDArray weight,
            NDArray bias) {
        NDArray y = Linear.linear(x, weight, bias).singletonOrThrow();
        return lora == null ? y : lora.apply(module, x, y, dropout);
    }

    /**
     * Grouped-query self-attention of layer {@code l} on the normed input {@code h} {@code [B, S, D]},
     * through the output projection ({@code [B, S, D]}). With a cache, this call's keys and values are
     * written to it and the queries attend over everything cached.
     */
    private NDArray attention(Layer w, int l, NDArray h, NDArray[] ropeQ, NDArray[] rope, NDArray bias,
            TransformerKvCache kv, NDManager lm, LoraAdapters lora, boolean dropout) {
        String p = "model.layers." + l + ".";
        int batch = (int) h.getShape().get(0);
        int seq = (int) h.getShape().get(1);
        int heads = config.numAttentionHeads();
        int kvHeads = config.numKeyValueHeads();
        int groups = heads / kvHeads;
        int d = config.headDim();
        float eps = (float) config.rmsNormEps();
        // project to per-head queries, keys and values (qwen2: with biases)
        NDArray q = linear(lora, dropout, p + "self_attn.q_proj", h, w.q(), w.qBias())
                .reshape(batch, seq, heads, d);                 // [B, S, H, d]
        NDArray k = linear(lora, dropout, p + "self_attn.k_proj", h, w.k(), w.kBias())
                .reshape(batch, seq, kvHeads, d);               // [B, S, KV, d]
        NDArray v = linear(lora, dropout, p + "self_attn.v_proj", h, w.v(), w.vBias())
                .reshape(batch, seq, kvHeads, d);               // [B, S, KV, d]
        // qwen3: per-head RMSNorm of queries and keys
        if (w.qNorm() != null) {
            q = rmsNorm(q, w.qNorm(), eps);
            k = rmsNorm(k, w.kNorm(), eps);
        }
        // rotary position embedding (queries also scaled by 1/sqrt(d))
        q = applyRope(q, ropeQ, batch, seq, heads, d);
        k = applyRope(k, rope, batch, seq, kvHeads, d);
        k = k.transpose(0, 2, 1, 3);                           // [B, KV, S, d]
        v = v.transpose(0, 2, 1, 3);                           // [B, KV, S, d]
        // append to the KV cache and attend over all cached positions
        int total = seq;
        if (kv != null) {
            total = kv.length() + seq;
            kv.write(l, k, v);
            k = kv.keys(l, total, lm);                          // [B, KV, P+S, d]
            v = kv.values(l, total, lm);                        // [B, KV, P+S, d]
        }
        // group the query heads of each KV head: [B, KV, G*S, d]
        NDArray qg = q.reshape(batch, seq, kvHeads, groups, d).transpose(0, 2, 3, 1, 4)
                .reshape(batch, kvHeads, (long) groups * seq, d);
        // scores, masked softmax, weighted sum of values
        NDArray scores = qg.matMul(k.transpose(0, 1, 3, 2))   // [B, KV, G*S, P+S]
                .reshape(batch, kvHeads, groups, seq, total)
                .add(bias);                                     // [B, KV, G, S, P+S]
        NDArray probs = scores.softmax(-1).reshape(batch, kvHeads, (long) groups * seq, total);
        NDArray ctx = probs.matMul(v)                           // [B, KV, G*S, d]
                .reshape(batch, kvHeads, groups, seq, d)
                .transpose(0, 3, 1, 2, 4)
                .reshape(batch, seq, (long) heads * d);         // [B, S, H*d]
        // output projection
        return linear(lora, dropout, p + "self_attn.o_proj", ctx, w.o(), w.oBias()); // [B, S, D]
    }

    /** The SwiGLU MLP on the normed input {@code h}: {@code down(silu(gate(h)) * up(h))}, {@code [B, S, D]}. */
    private static NDArray mlp(Layer w, int l, NDArray h, LoraAdapters lora, boolean dropout) {
        String p = "model.layers." + l + ".mlp.";
        NDArray gate = linear(lora, dropout, p + "gate_proj", h, w.gate(), null); // [B, S, I]
        NDArray up = linear(lora, dropout, p + "up_proj", h, w.up(), null);       // [B, S, I]
        NDArray act = gate.mul(gate.getNDArrayInternal().sigmoid()).mul(up);      // silu(gate) * up
        return linear(lora, dropout, p + "down_proj", act, w.down(), null);       // [B, S, D]
    }

    /** RMSNorm over the last axis, in float32 as transformers computes it: {@code x / sqrt(mean(x²) + eps) * w}. */
    private static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
        // sqrt then div, not pow(-0.5): DJL's pow(number) hands autograd an exponent array that Java frees
        NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
        return x.div(rms).mul(weight);
    }

    /**
     * cos and signed sin for HF's rotate_half convention, {@code [B, S, 1, d]} (broadcast over heads):
     * angle {@code pos * inv_freq} repeated over both halves; sin negated on the first half so that
     * {@code rotate_half(x) * sin == swapHalves(x) * signedSin}.
     */
    private NDArray[] ropeTables(NDArray positions, NDManager step) {
        NDArray pos = positions.toType(DataType.FLOAT32, false);
        pos.attach(step);
        long b = pos.getShape().get(0);
        long s = pos.getShape().get(1);
        NDArray angles = pos.expandDims(2).mul(invFreq);                    // [B, S, d/2]
        NDArray cos = angles.cos();
        NDArray sin = angles.sin();
        NDArray cosFull = cos.concat(cos, 2).reshape(b, s, 1, -1);          // [B, S, 1, d]
        NDArray sinSigned = sin.neg().concat(sin, 2).reshape(b, s, 1, -1);  // [B, S, 1, d]
        return new NDArray[] {cosFull, sinSigned};
    }

    /** {@code x * cos + rotate_half(x) * sin} on {@code [B, S, heads, d]}. */
    private static NDArray applyRope(NDArray x, NDArray[] rope, int b, int s, int heads, int d) {
        NDArray swapped = x.reshape(b, s, heads, 2, d / 2).flip(3).reshape(b, s, heads, d); // [x2, x1]
        return x.mul(rope[0]).add(swapped.mul(rope[1]));
    }

    /**
     * Additive attention bias {@code [B, 1, 1, S, P+S]}: 0 where query i (at cache index P+i) may see key
     * j (j ≤ P+i and key j is not padding), a large negative number elsewhere.
     */
    private static NDArray maskBias(NDArray attentionMask, int past, int seq, NDManager step) {
        int total = past + seq;
        long b = attentionMask.getShape().get(0);
        NDArray keyOk = attentionMask.toType(DataType.FLOAT32, false);
        keyOk.attach(step);
        NDArray queryIdx = step.arange((float) past, (float) total).reshape(seq, 1); // [S, 1]
        NDArray keyIdx = step.arange(0f, (float) total).reshape(1, total);          // [1, P+S]
        NDArray causal = keyIdx.lte(queryIdx).toType(DataType.FLOAT32, false);      // [S, P+S]
        NDArray allowed = keyOk.reshape(b, 1, 1, 1, total).mul(causal);             // [B, 1, 1, S, P+S]
        return allowed.sub(1f).mul(-MASKED);
    }

    @Override
    public void close() {
        if (adapters != null) {
            adapters.close();
        }
        manager.close();
    }

    @Override
    public String toString() {
        return "Transformer[" + config.modelType() + ", layers=" + config.numHiddenLayers() + ", hidden="
                + config.hiddenSize() + ", params=" + config.parameterCount() + "]";
    }
}
