package io.github.grpo4j.internal.train;

import io.github.grpo4j.internal.model.MemorySettings;
import io.github.grpo4j.internal.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Peak memory of full fine-tuning with GRPO, estimated from the shapes before anything is allocated:
 * weights, the reference copy, AdamW moments, and the largest of three phases that never overlap:
 * generation (KV cache, sampling logits), a micro-batch's forward and backward (its saved activations, its
 * logits and their copies, and the gradients alive then), and the optimizer step after the last backward
 * (all gradients, and AdamW's temporaries: it closes each one once used, so at most two are alive, each
 * the size of the largest tensor or of AdamW's block of rows, whichever is smaller). Gradients are freed
 * after each optimizer step ({@link Gradients#release}), so generation has none; in the backward of a
 * step's only micro-batch, the output head's gradient appears while the activations are all still kept,
 * and each layer's gradients appear as that layer's activations are freed, so only the head's is counted
 * there; with several micro-batches per update, the later ones run while all gradients are held. All
 * float32.
 *
 * <p>The activation count follows the ops of one decoder layer as grpo4j runs them (what autograd keeps
 * per token: 8 hidden-size tensors, 5 of the query width, 4 of the key/value width, 5 of the MLP width and
 * 3 attention rows of the sequence length). Logits: building log-probs holds about 5 arrays of
 * {@code [tokens, vocab]} at once (logits, scaled, log-softmax, exp, product), the backward pass about as
 * many; with chunking, {@code tokens} is the chunk. A runtime overhead (JVM, PyTorch) is not included:
 * {@link #RUNTIME_BYTES} is added for the check against the machine.
 *
 * @param weights     the policy's parameters
 * @param reference   the frozen reference copy (0 when β = 0)
 * @param gradients   one gradient per parameter
 * @param backwardGradients the gradients alive at the backward's peak (see above)
 * @param adamMoments AdamW's first and second moments
 * @param generation  KV cache and sampling buffers of one rollout
 * @param activations what the update's forward keeps for backward, per micro-batch
 * @param logits      the vocabulary-sized arrays of log-prob computation, per micro-batch or chunk
 * @param optimizer   temporaries of clipping (one of the largest tensor's size) or AdamW (two of at most a block)
 */
public record MemoryEstimate(long weights, long reference, long gradients, long backwardGradients,
        long adamMoments, long generation, long activations, long logits, long optimizer) {

    /** What the JVM and the PyTorch runtime take besides tensors, about (measured: 0.4–0.6 GB). */
    public static final long RUNTIME_BYTES = 512L << 20;

    private static final long FLOAT = 4;

    /**
     * The shape of a run.
     *
     * @param model          the architecture
     * @param rows           completions per step, P × G
     * @param microBatch     completions per forward/backward
     * @param promptTokens   longest prompt, in tokens
     * @param maxNewTokens   longest completion
     * @param reference      whether a reference model is kept (β &gt; 0)
     * @param memory         chunking and checkpointing
     * @param lora           LoRA adapters are trained: the base weights get no gradients or moments and the
     *                       reference is the base itself (the adapters' own few MB are not counted)
     * @param referenceOffloaded the reference's weights are read from a file one part at a time
     *                       ({@code training.ref_param_offload}): only the largest part (the output head or
     *                       one decoder layer) is resident, during the reference phase
     */
    public record Workload(ModelConfig model, int rows, int microBatch, int promptTokens, int maxNewTokens,
            boolean reference, MemorySettings memory, boolean lora, boolean referenceOffloaded) {

        /** Chunks as the policy will cut them: with LoRA, no larger than the vocabulary allows. */
        public Workload {
            memory = lora ? memory.forVocab(model.vocabSize()) : memory;
        }

        /** The same run with another micro-batch or memory settings. */
        public Workload with(int microBatch, MemorySettings memory) {
            return new Workload(model, rows, microBatch, promptTokens, maxNewTokens, reference, memory, lora,
                    referenceOffloaded);
        }

        /** The same run with LoRA adapters. */
        public Workload withLora() {
            return new Workload(model, rows, microBatch, promptTokens, maxNewTokens, reference, memory, true, false);
        }

        /** The same run with the reference's weights offloaded to a file. */
        public Workload withReferenceOffloaded() {
            return new Workload(model, rows, microBatch, promptTokens, maxNewTokens, reference, memory, lora, true);
        }
    }

    /** The estimate for {@code w}. */
    public static MemoryEstimate of(Workload w) {
        ModelConfig c = w.model();
        long n = c.parameterCount();
        long d = c.hiddenSize();
        long dq = (long) c.numAttentionHeads() * c.headDim();
        long dkv = (long) c.numKeyValueHeads() * c.headDim();
        long inter = c.intermediateSize();
        long layers = c.numHiddenLayers();
        long vocab = c.vocabSize();
        long seq = (long) w.promptTokens() + w.maxNewTokens();
        long m = Math.max(1, Math.min(w.microBatch(), w.rows()));

        long cache = 2 * layers * w.rows() * seq * dkv * FLOAT;
        long sampling = 4L * w.rows() * vocab * FLOAT;
        long generation = cache + sampling;

        long perTokenLayer = 8 * d + 5 * dq + 4 * dkv + 5 * inter + 3L * c.numAttentionHeads() * seq;
        long tokens = m * seq;
        long activations = w.memory().gradientCheckpointing()
                ? (layers + 1) * tokens * d * FLOAT + tokens * perTokenLayer * FLOAT
                : layers * tokens * perTokenLayer * FLOAT;
        long scored = m * w.maxNewTokens();
        long logitRows = w.memory().chunks(scored) ? w.memory().logprobChunkSize() : scored;
        long logits = 5 * logitRows * vocab * FLOAT;
        long largest = Math.max(vocab * d, Math.max(inter * d, dq * d));
        long optimizer = Math.max(largest * FLOAT, 2 * Math.min(largest * FLOAT, AdamW.BLOCK_BYTES));
        long weights = n * FLOAT;
        if (w.lora()) {
            return new MemoryEstimate(weights, 0, 0, 0, 0, generation, activations, logits, 0);
        }
        // offloaded: the output head (with its norm) or one decoder layer at a time, plus the read buffer
        long embeddings = vocab * d * (c.tieWordEmbeddings() ? 1 : 2);
        long streamed = Math.max(vocab * d + d, (n - embeddings - d) / Math.max(1, layers)) * FLOAT
                + Math.min(32L << 20, largest * FLOAT);
        long reference = !w.reference() ? 0 : w.referenceOffloaded() ? streamed : weights;
        long backwardGradients = w.rows() > m ? weights : vocab * d * FLOAT;
        return new MemoryEstimate(weights, reference, weights, backwardGradients, 2 * weights, generation, activations,
                logits, optimizer);
    }

    /** {@return the estimated peak: the state kept all run plus the largest of generation, backward and optimizer step} */
    public long peak() {
        return weights + reference + adamMoments
                + Math.max(generation, Math.max(activations + logits + backwardGradients, gradients + optimizer));
    }

    /** {@return the peak plus the runtime's own memory: what the process needs} */
    public long total() {
        return peak() + RUNTIME_BYTES;
    }

    /** {@return a one-line breakdown, in GB} */
    public String describe() {
        return String.format(Locale.ROOT, "estimated peak memory %s (weights %s, reference %s, gradients %s, AdamW %s,"
                + " update activations %s, logits %s, generation %s, runtime %s)", gb(total()), gb(weights),
                gb(reference), gb(gradients), gb(adamMoments), gb(activations), gb(logits), gb(generation),
                gb(RUNTIME_BYTES));
    }

    /**
     * Settings of the same run that fit in {@code limit} bytes: a smaller micro-batch, gradient
     * checkpointing, log-prob chunking, the offloaded reference, or a combination, and LoRA, each with its estimate; empty when none
     * does.
     */
    public static List<String> knobsThatFit(Workload w, long limit) {
        List<String> out = new java.util.ArrayList<>();
        int chunk = w.memory().logprobChunkSize() == 0 ? MemorySettings.DEFAULT_CHUNK : w.memory().logprobChunkSize();
        boolean canOffload = w.reference() && !w.lora();
        for (boolean offload : canOffload ? new boolean[] {w.referenceOffloaded(), true} : new boolean[] {false}) {
            for (boolean ckpt : new boolean[] {w.memory().gradientCheckpointing(), true}) {
                for (int mb = Math.min(w.microBatch(), w.rows()); mb >= 1; mb /= 2) {
                    MemorySettings s = new MemorySettings(chunk, ckpt);
                    long total = of((offload ? w.withReferenceOffloaded() : w).with(mb, s)).total();
                    if (total <= limit) {
                        StringBuilder k = new StringBuilder();
                        if (offload && !w.referenceOffloaded()) {
                            k.append("training.ref_param_offload=true ");
                        }
                        if (mb != w.microBatch()) {
                            k.append("training.micro_batch_size=").append(mb).append(' ');
                        }
                        if (ckpt && !w.memory().gradientCheckpointing()) {
                            k.append("training.gradient_checkpointing=true ");
                        }
                        if (w.memory().logprobChunkSize() == 0) {
                            k.append("training.logprob_chunk_size=").append(chunk).append(' ');
                        }
                        out.add(k.toString().trim() + " (" + gb(total) + ")");
                        break;
                    }
                }
            }
        }
        if (!w.lora()) {
            long total = of(w.withLora()).total();
            if (total <= limit) {
                out.add("LoRA adapters, model.lora (" + gb(total) + ")");
            }
        }
        return out.stream().distinct().toList();
    }

    /** {@return the machine's memory from /proc/meminfo's MemTotal, or -1 where there is none} */
    public static long machineBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** {@code bytes} in GB (10^9) with one decimal. */
    static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
    }
}
