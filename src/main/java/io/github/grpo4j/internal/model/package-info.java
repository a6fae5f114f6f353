/**
 * Decoder-only transformers of the Llama / Qwen2 / Qwen3 family on DJL NDArrays.
 *
 * <ul>
 *   <li>{@link io.github.grpo4j.internal.model.ModelConfig}: Hugging Face {@code config.json} in and out.
 *   <li>{@link io.github.grpo4j.internal.model.Safetensors}: the safetensors format, read (F32 / BF16 / F16,
 *       widened to float32 in Java; bf16 NDArrays abort the JVM) and written (F32).
 *   <li>{@link io.github.grpo4j.internal.model.ModelFamily}: what differs between Llama, Qwen2 and Qwen3
 *       (biases, q/k norm, defaults), in one place.
 *   <li>{@link io.github.grpo4j.internal.model.Transformer}: the {@link io.github.grpo4j.internal.model.CausalLm};
 *       {@code forward} reads as embedding, per layer {@code attention(...)} and {@code mlp(...)} with
 *       residuals, final norm and head; {@code random(config, seed)}, {@code copy()}; {@code load(dir)}
 *       and {@code save(dir)} go through {@code HfModelDirectory}, the Hugging Face directory format.
 * </ul>
 *
 * <h2>Design notes (measured on the 2-core CI machine kind while ~8 builds shared it, so noisy)</h2>
 *
 * <ul>
 *   <li><b>KV cache: preallocated buffers, in-place writes.</b> Per layer one {@code [B, KV, capacity,
 *       d]} buffer for keys and one for values; a step writes its S positions with an index-put and
 *       attends over a strided view {@code [:, :, :P+S]}. Over 512 decode steps of one layer's key path
 *       ({@code B=64, KV=2, d=64}, one intra-op thread) this took 0.6–1.8 s against 1.5–5.9 s for
 *       concatenation, which copies the whole prefix every step (O(P²) per sequence).
 *   <li><b>Grouped-query attention without repeating K/V.</b> Queries are reshaped to {@code [B, KV,
 *       G·S, d]} so one batched matmul per layer serves every query head of a KV head.
 *   <li><b>Separate q/k/v and gate/up projections.</b> Fusing needs either a weight concatenation per
 *       forward (a full copy of those weights every decode step) or a fused copy that goes stale when
 *       training updates the parameters in place. One layer's projections for a decode step, separate
 *       against fused (one matmul + slices), one thread: 128 rows × hidden 128: 496–506 µs vs 511–529
 *       µs; hidden 256: 1.89–1.94 ms vs 1.91–1.99 ms; 16 rows × hidden 896: 5.9–6.3 ms vs 6.5–6.8 ms.
 *       No gain, so the parameters are used as they are: nothing to keep in sync, nothing duplicated.
 *   <li><b>Throughput</b> (ForwardBench, qwen2 hidden 128, 4 layers, ~1M parameters, quiet machine):
 *       decode 7.7–8.7 ms per step for 128 rows with the cache; training forward + backward of 128 ×
 *       40 tokens 0.32 s with 2 threads (~96 GFLOP/s counting 6·N·tokens).
 *   <li><b>Memory.</b> Every forward's intermediates live in a sub-manager per layer, closed when the
 *       layer ends; ops put the step's array first ({@code Linear.linear(x, w, b)}, torch's embedding
 *       with the ids first) so nothing lands in the model's manager. Parameters are copied into memory
 *       PyTorch owns: DJL's {@code create} from a direct buffer aliases the Java buffer.
 *   <li><b>Threads.</b> With the machine oversubscribed, 2 intra-op threads made a decode step of the
 *       calibration model (hidden 128, 4 layers, 128 rows) 300–590 ms against 14–22 ms with one thread
 *       (OpenMP workers waiting on each other); unloaded, 2 threads is the right setting.
 * </ul>
 */
package io.github.grpo4j.internal.model;

