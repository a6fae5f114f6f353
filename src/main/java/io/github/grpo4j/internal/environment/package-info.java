/** Runs a run's environments: one instance per episode, every call guarded by a time limit. */
package io.github.grpo4j.internal.environment;
