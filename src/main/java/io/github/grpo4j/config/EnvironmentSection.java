package io.github.grpo4j.config;

import io.github.grpo4j.internal.config.Configs;
import java.util.Map;

/**
 * A stateful environment the policy plays against.
 *
 * @param type config key {@code type}, default {@code none}, valid: {@code none}, {@code java},
 *     {@code external}. {@code none}: no environment; {@code java}: the class {@code class_name}, one
 *     instance per episode; {@code external}: a process speaking JSON lines ({@code params.command}).
 * @param className config key {@code class_name}, default {@code null}, valid: required for
 *     {@code type: java}, else null. For {@code type: java}: fully qualified name of a class implementing
 *     {@code io.github.grpo4j.environment.Environment} with a public no-argument constructor.
 * @param params config key {@code params}, default {@code {}}. Parameters of the environment type: for
 *     {@code external}, {@code command}, {@code args}, {@code timeout_s} (30), {@code cwd}, {@code env}.
 * @param maxTurns config key {@code max_turns}, default {@code 8}, valid: ≥ 1. Model turns the environment
 *     answers per episode; the episode ends after the last one. {@code generation.max_completion_length}
 *     bounds the whole episode, environment messages included.
 * @param timeoutS config key {@code timeout_s}, default {@code 60.0}, valid: &gt; 0. Seconds one
 *     {@code reset} or {@code step} may take before the episode ends as failed.
 */
@Doc("A stateful environment (game, multi-step task): with one, every rollout is a multi-turn episode "
        + "(docs/environments.md).")
public record EnvironmentSection(
        @Doc("`none`: no environment; `java`: the class `class_name`, one instance per episode; `external`: a "
                + "process speaking JSON lines (`params.command`).")
        @OneOf({"none", "java", "external"})
        @Default("none")
        String type,
        @Doc(value = "For `type: java`: fully qualified name of a class implementing "
                + "`io.github.grpo4j.environment.Environment` with a public no-argument constructor.",
                valid = "required for `type: java`, else null")
        String className,
        @Doc("Parameters of the environment type: for `external`, `command`, `args`, `timeout_s` (30), `cwd`, "
                + "`env`.")
        Map<String, Object> params,
        @Doc("Model turns the environment answers per episode; the episode ends after the last one. "
                + "`generation.max_completion_length` bounds the whole episode, environment messages included.")
        @Range(min = 1)
        @Default("8")
        int maxTurns,
        @Doc("Seconds one `reset` or `step` may take before the episode ends as failed.")
        @Range(min = 0, minExclusive = true)
        @Default("60")
        double timeoutS) {

    /**
     * Fills in defaults for keys left null: no parameters.
     *
     * @param type config key {@code type}, see {@link #type()}
     * @param className config key {@code class_name}, see {@link #className()}
     * @param params config key {@code params}, see {@link #params()}
     * @param maxTurns config key {@code max_turns}, see {@link #maxTurns()}
     * @param timeoutS config key {@code timeout_s}, see {@link #timeoutS()}
     */
    public EnvironmentSection {
        type = type == null ? "none" : type;
        params = Configs.copyMap(params);
    }

    /** {@return the defaults: no environment} */
    public static EnvironmentSection defaults() {
        return Defaults.of(EnvironmentSection.class);
    }

    /** {@return whether an environment is configured} */
    public boolean enabled() {
        return !"none".equals(type);
    }
}
