/**
 * Tools a policy may call during a multi-turn rollout: {@link io.github.grpo4j.tools.Tool} is the
 * extension point (a name, a description, a JSON schema for its arguments, and a call). The run hands
 * every tool's schema to the chat template's {@code tools} variable, parses tool calls from the model's
 * turns, runs them, and appends their results as context the model conditions on (docs/tools.md).
 */
package io.github.grpo4j.tools;
