/**
 * grpo4j: GRPO (Group Relative Policy Optimization, Shao et al. 2024, <i>DeepSeekMath</i>,
 * arXiv:2402.03300) for the JVM, on DJL and PyTorch.
 *
 * <p>The library API is small: {@link io.github.grpo4j.GrpoTrainer} (built from a
 * {@link io.github.grpo4j.config.GrpoConfig} or its builder) trains a
 * {@link io.github.grpo4j.policy.TransformerPolicy} on prompt rows with
 * {@link io.github.grpo4j.reward.RewardFunction}s (lambdas welcome) and reports each step to a
 * {@link io.github.grpo4j.StepListener}. Packages under {@code io.github.grpo4j.internal} are the
 * implementation and may change without notice.
 *
 * <p>Set the system property {@code ai.djl.offline=true} before the first call: the PyTorch natives
 * come from the {@code ai.djl.pytorch:pytorch-native-cpu} jar (classifier {@code linux-x86_64}), which
 * grpo4j depends on, and DJL must not try to download them.
 */
package io.github.grpo4j;
