package io.github.grpo4j.config;

import java.util.List;

/**
 * Tools and multi-turn rollouts.
 *
 * @param functions config key {@code functions}: The tools. Empty: single-turn rollouts.
 * @param callFormat config key {@code call_format}, default {@code auto}, valid: {@code auto},
 *     {@code hermes}, {@code llama3}. How the model writes tool calls: {@code hermes}
 *     ({@code <tool_call>{"name": ..., "arguments": ...}</tool_call>}, Qwen), {@code llama3} (a bare JSON
 *     object with {@code name} and {@code parameters}), or {@code auto} (from the chat template:
 *     {@code llama3} when it mentions {@code <|python_tag|>} or {@code ipython}, else {@code hermes}).
 * @param maxTurns config key {@code max_turns}, default {@code 4}, valid: ≥ 1. Rounds of tool calls per
 *     episode (TRL's {@code max_tool_calling_iterations}); a call after the last round is left unanswered and
 *     ends the episode. {@code generation.max_completion_length} bounds the whole episode, tool results
 *     included.
 * @param timeoutS config key {@code timeout_s}, default {@code 60.0}, valid: &gt; 0. Seconds one tool call
 *     may take before it counts as failed (an external tool's own {@code timeout_s} also applies).
 */
@Doc("Tools the policy may call: with any listed, every rollout is a multi-turn episode (docs/tools.md).")
public record ToolsSection(
        @Doc("The tools. Empty: single-turn rollouts.")
        List<ToolSpec> functions,
        @Doc("How the model writes tool calls: `hermes` (`<tool_call>{\"name\": ..., \"arguments\": ...}</tool_call>`, "
                + "Qwen), `llama3` (a bare JSON object with `name` and `parameters`), or `auto` (from the chat "
                + "template: `llama3` when it mentions `<|python_tag|>` or `ipython`, else `hermes`).")
        @Default("auto")
        CallFormat callFormat,
        @Doc("Rounds of tool calls per episode (TRL's `max_tool_calling_iterations`); a call after the last "
                + "round is left unanswered and ends the episode. `generation.max_completion_length` bounds "
                + "the whole episode, tool results included.")
        @Range(min = 1)
        @Default("4")
        int maxTurns,
        @Doc("Seconds one tool call may take before it counts as failed (an external tool's own "
                + "`timeout_s` also applies).")
        @Range(min = 0, minExclusive = true)
        @Default("60")
        double timeoutS) {

    /**
     * Fills in defaults for keys left null.
     *
     * @param functions config key {@code functions}, see {@link #functions()}
     * @param callFormat config key {@code call_format}, see {@link #callFormat()}
     * @param maxTurns config key {@code max_turns}, see {@link #maxTurns()}
     * @param timeoutS config key {@code timeout_s}, see {@link #timeoutS()}
     */
    public ToolsSection {
        functions = functions == null ? List.of() : List.copyOf(functions);
        callFormat = callFormat == null ? Defaults.of(ToolsSection.class).callFormat() : callFormat;
    }

    /** {@return the defaults: no tools, format auto, 4 rounds, 60 s per call} */
    public static ToolsSection defaults() {
        return Defaults.of(ToolsSection.class);
    }

    /** {@return whether any tool is configured (rollouts are multi-turn)} */
    public boolean enabled() {
        return !functions.isEmpty();
    }
}
