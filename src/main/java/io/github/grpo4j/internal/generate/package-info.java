/**
 * Sampling completions from a {@link io.github.grpo4j.internal.model.CausalLm}: {@link
 * io.github.grpo4j.internal.generate.TokenSampler} picks one token per row from logits (repetition penalty,
 * temperature, top-k, top-p, min-p, greedy; inverse-CDF draw from one seeded uniform per row), and
 * {@link io.github.grpo4j.internal.generate.Generator} runs the batched prefill-once, decode-with-KV-cache loop
 * that stops rows at EOS, stop strings or max_new_tokens.
 *
 * <p>The log-prob recorded for each sampled token is that of {@code log_softmax(logits / T)}: no
 * truncation, no repetition penalty, temperature 1 when greedy. It equals what
 * {@code Policy.score} computes teacher-forced at the same temperature (tested to 1e-4).
 */
package io.github.grpo4j.internal.generate;

