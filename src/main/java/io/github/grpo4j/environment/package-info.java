/**
 * Stateful environments for multi-turn rollouts: games and multi-step tasks that answer each model turn
 * with messages, an optional reward and whether the episode is over (docs/environments.md).
 */
package io.github.grpo4j.environment;
