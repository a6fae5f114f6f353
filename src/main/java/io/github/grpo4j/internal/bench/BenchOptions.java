package io.github.grpo4j.internal.bench;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LoraSection;
import io.github.grpo4j.config.RefParamOffload;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.internal.model.MemorySettings;
import io.github.grpo4j.internal.model.ModelConfig;
import java.util.List;

/**
 * The synthetic workload of {@code grpo4j bench}: model shape, batch, sampling, loss and optimizer
 * settings, threads and how many steps to time. {@link #defaults()} is the workload the issue fixes
 * (and the one {@code docs/performance.md} reports).
 *
 * @param modelType       llama, qwen2 or qwen3 (qwen2 has q/k/v biases)
 * @param vocab           vocabulary size
 * @param hidden          hidden size
 * @param layers          decoder layers
 * @param heads           attention heads
 * @param kvHeads         key/value heads (GQA)
 * @param intermediate    MLP width
 * @param tied            tie the output head to the embedding
 * @param prompts         distinct prompts per step
 * @param generations     G, completions per prompt
 * @param promptLength    random tokens per prompt
 * @param maxNewTokens    tokens generated per completion (EOS is never sampled, so always all of them)
 * @param temperature     sampling temperature
 * @param beta            KL weight (k3 estimator); 0 skips the reference model
 * @param iterations      μ, updates per generated batch
 * @param lossType        loss aggregation
 * @param learningRate    AdamW learning rate
 * @param maxGradNorm     global gradient-norm clip
 * @param microBatch      completions per forward/backward of the update; 0 = the whole batch
 * @param threads         PyTorch intra-op threads
 * @param warmup          untimed steps first
 * @param steps           timed steps
 * @param seed            weights, prompts, rewards and sampling derive from it
 * @param memory          log-prob chunk size and gradient checkpointing of the policy
 * @param lora            LoRA adapters to train instead of every weight, or null for full fine-tuning
 * @param refParamOffload whether the reference's weights are read from a file layer by layer instead of kept in
 *                        memory, as training.ref_param_offload ({@code auto}: for models of 1 GB of weights or
 *                        more; full fine-tuning only)
 */
public record BenchOptions(
        String modelType, int vocab, int hidden, int layers, int heads, int kvHeads, int intermediate, boolean tied,
        int prompts, int generations, int promptLength, int maxNewTokens, double temperature,
        double beta, int iterations, LossType lossType, double learningRate, double maxGradNorm, int microBatch,
        int threads, int warmup, int steps, long seed, MemorySettings memory, LoraSection lora,
        RefParamOffload refParamOffload) {

    /** The default workload. */
    public static BenchOptions defaults() {
        return new BenchOptions("qwen2", 64, 256, 4, 8, 2, 768, false,
                8, 8, 16, 32, 1.0,
                0.04, 1, LossType.GRPO, 1e-4, 1.0, 64,
                2, 1, 5, 0, MemorySettings.defaults(), null, RefParamOffload.AUTO);
    }

    /** Checks every field; a bad one is a user error naming the flag. */
    public BenchOptions {
        positive("--vocab", vocab);
        positive("--hidden", hidden);
        positive("--layers", layers);
        positive("--heads", heads);
        positive("--kv-heads", kvHeads);
        positive("--intermediate", intermediate);
        positive("--prompts", prompts);
        positive("--prompt-length", promptLength);
        positive("--max-new", maxNewTokens);
        positive("--iterations", iterations);
        positive("--threads", threads);
        positive("--steps", steps);
        if (generations < 2) {
            throw new Grpo4jException("--group (G) must be at least 2, got " + generations);
        }
        if (hidden % heads != 0) {
            throw new Grpo4jException("--hidden " + hidden + " must be a multiple of --heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new Grpo4jException("--heads " + heads + " must be a multiple of --kv-heads " + kvHeads);
        }
        if (warmup < 0) {
            throw new Grpo4jException("--warmup must be >= 0, got " + warmup);
        }
        if (microBatch < 0) {
            throw new Grpo4jException("--micro-batch must be >= 0 (0 = whole batch), got " + microBatch);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new Grpo4jException("--temperature must be a finite number > 0, got " + temperature);
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new Grpo4jException("--beta must be a finite number >= 0, got " + beta);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new Grpo4jException("--lr must be a finite number > 0, got " + learningRate);
        }
        if (!(maxGradNorm >= 0) || Double.isInfinite(maxGradNorm)) {
            throw new Grpo4jException("--max-grad-norm must be >= 0 (0 disables), got " + maxGradNorm);
        }
        if (!ModelConfig.SUPPORTED_TYPES.contains(modelType)) {
            throw new Grpo4jException("--model-type must be one of " + ModelConfig.SUPPORTED_TYPES + ", got "
                    + modelType);
        }
    }

    private static void positive(String flag, int value) {
        if (value <= 0) {
            throw new Grpo4jException(flag + " must be a positive integer, got " + value);
        }
    }

    /** The model architecture these options describe, with positions for prompt + new tokens. */
    public ModelConfig modelConfig() {
        int positions = Math.max(64, promptLength + maxNewTokens);
        return new ModelConfig(modelType, vocab, hidden, intermediate, layers, heads, kvHeads, hidden / heads, 1e-6,
                10000.0, null, false, tied, positions, "float32", 0.02, null, List.of());
    }

    /** Completions per step, B·G. */
    public int rows() {
        return prompts * generations;
    }

    /** {@return whether the reference's weights are read from a file (full fine-tuning with β &gt; 0 only)} */
    public boolean offloadsReference() {
        return refParamOffload.offloads(lora == null, beta > 0, 0, 4 * modelConfig().parameterCount());
    }

    /** The same workload with another G and max-new (the sweep's grid). */
    public BenchOptions with(int generations, int maxNewTokens) {
        return new BenchOptions(modelType, vocab, hidden, layers, heads, kvHeads, intermediate, tied, prompts,
                generations, promptLength, maxNewTokens, temperature, beta, iterations, lossType, learningRate,
                maxGradNorm, microBatch, threads, warmup, steps, seed, memory, lora, refParamOffload);
    }
}
