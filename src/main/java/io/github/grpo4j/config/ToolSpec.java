package io.github.grpo4j.config;

import io.github.grpo4j.internal.config.Configs;
import java.util.Map;

/**
 * One tool the policy may call.
 *
 * @param name config key {@code name}, default {@code null}, valid: unique within {@code tools.functions}.
 *     Name the model calls the tool by. Default: {@code calculator} for {@code type: calculator}; required
 *     otherwise.
 * @param type config key {@code type}, default {@code null}, valid: {@code calculator}, {@code java},
 *     {@code external}. {@code calculator}: exact rational arithmetic on an expression string; {@code java}:
 *     the class {@code class_name}; {@code external}: a process speaking JSON lines ({@code params.command}).
 * @param className config key {@code class_name}, default {@code null}, valid: required for
 *     {@code type: java}, else null. For {@code type: java}: fully qualified name of a class implementing
 *     {@code io.github.grpo4j.tools.Tool} with a public no-argument constructor.
 * @param params config key {@code params}, default {@code {}}. Parameters of the tool type: for
 *     {@code external}, {@code command}, {@code args}, {@code timeout_s} (30), {@code cwd}, {@code env},
 *     {@code description} and {@code parameters} (the JSON schema of its arguments).
 */
@Doc("One entry of `tools.functions`: a tool the policy may call during an episode (docs/tools.md).")
public record ToolSpec(
        @Doc(value = "Name the model calls the tool by. Default: `calculator` for `type: calculator`; "
                + "required otherwise.",
                valid = "unique within `tools.functions`")
        String name,
        @Doc("`calculator`: exact rational arithmetic on an expression string; `java`: the class "
                + "`class_name`; `external`: a process speaking JSON lines (`params.command`).")
        @OneOf({"calculator", "java", "external"})
        String type,
        @Doc(value = "For `type: java`: fully qualified name of a class implementing "
                + "`io.github.grpo4j.tools.Tool` with a public no-argument constructor.",
                valid = "required for `type: java`, else null")
        String className,
        @Doc("Parameters of the tool type: for `external`, `command`, `args`, `timeout_s` (30), `cwd`, `env`, "
                + "`description` and `parameters` (the JSON schema of its arguments).")
        Map<String, Object> params) {

    /**
     * Fills in defaults for keys left null: no parameters.
     *
     * @param name config key {@code name}, see {@link #name()}
     * @param type config key {@code type}, see {@link #type()}
     * @param className config key {@code class_name}, see {@link #className()}
     * @param params config key {@code params}, see {@link #params()}
     */
    public ToolSpec {
        params = Configs.copyMap(params);
    }

    /** {@return the defaults of a list entry; {@code type} must be given} */
    public static ToolSpec defaults() {
        return Defaults.of(ToolSpec.class);
    }
}
