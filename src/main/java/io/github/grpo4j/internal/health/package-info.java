/**
 * Run health: reading a run's own metrics for signs that training is going wrong.
 * {@link io.github.grpo4j.internal.health.DivergenceCheck} is pure (metric series in, warnings out), so the
 * training loop's console warning and the report's warning are the same decision;
 * {@link io.github.grpo4j.internal.health.DivergenceWatch} feeds it step by step during a run.
 */
package io.github.grpo4j.internal.health;
