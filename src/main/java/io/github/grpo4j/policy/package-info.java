/**
 * What GRPO trains: a {@link io.github.grpo4j.policy.Policy} samples completions with their log-probs
 * and scores given completions with differentiable log-probs. {@link io.github.grpo4j.policy.TransformerPolicy}
 * is a language model (Llama, Qwen2, Qwen3) that saves Hugging Face model directories;
 * {@link io.github.grpo4j.policy.TransformerPolicies} loads one or builds a fresh model from
 * {@code config.json} keys.
 */
package io.github.grpo4j.policy;
