/**
 * What GRPO trains: a {@link io.github.grpo4j.policy.Policy} samples completions with their log-probs
 * and scores given completions with differentiable log-probs. {@link io.github.grpo4j.policy.TransformerPolicy}
 * loads and saves Hugging Face model directories (Llama, Qwen2, Qwen3) or builds a fresh model from
 * {@code config.json} keys.
 */
package io.github.grpo4j.policy;
