/**
 * Multi-turn rollouts: the policy writes a turn, its tool calls are run, their results are appended as
 * context tokens (rendered by the chat template, role {@code tool}), and the policy continues, all
 * episodes of a step in one batch. The context tokens are conditioning only: a per-token mask keeps
 * them out of the loss and its metrics.
 */
package io.github.grpo4j.internal.agent;
