package io.github.grpo4j.config;

import io.github.grpo4j.internal.config.Configs;
import java.util.Map;

/**
 * One reward function of the weighted sum R = Σ_k w_k r_k.
 *
 * @param name config key {@code name}, default {@code null}, valid: non-empty, unique within {@code rewards}.
 *     Name used in the metrics ({@code rewards/<name>/mean}, {@code rewards/<name>/std}). Unique.
 * @param type config key {@code type}, default {@code null}, valid: {@code exact_match},
 *     {@code numeric_match}, {@code regex}, {@code format}, {@code length}, {@code overlong_penalty},
 *     {@code external}, {@code environment}, {@code java}. {@code exact_match}: completion (or its extracted
 *     answer) equals a row field; {@code numeric_match}: numbers equal within a tolerance; {@code regex}:
 *     completion matches a pattern; {@code format}: completion follows a tag format; {@code length}:
 *     length-based score; {@code overlong_penalty}: DAPO's soft overlong penalty; {@code external}: an
 *     external command scores completions; {@code environment}: the episode's environment reward;
 *     {@code java}: the class {@code class_name}.
 * @param className config key {@code class_name}, default {@code null}, valid: required for
 *     {@code type: java}, else null. For {@code type: java}: fully qualified name of a class implementing
 *     {@code io.github.grpo4j.reward.RewardFunction} with a public constructor.
 * @param weight config key {@code weight}, default {@code 1.0}, valid: finite. Weight w_k of this function in
 *     the total reward.
 * @param params config key {@code params}, default {@code {}}. Parameters of the reward type (e.g.
 *     {@code field: answer}, {@code pattern: ...}).
 */
@Doc("One entry of the `rewards` list: a reward function r_k and its weight w_k. The total reward is "
        + "R = Σ_k w_k·r_k over the functions that apply (a function may return null/NaN for "
        + "\"does not apply\", as TRL's nansum).")
public record RewardSpec(
        @Doc(value = "Name used in the metrics (`rewards/<name>/mean`, `rewards/<name>/std`). Unique.",
                valid = "non-empty, unique within `rewards`")
        String name,
        @Doc(value = "`exact_match`: completion (or its extracted answer) equals a row field; "
                + "`numeric_match`: numbers equal within a tolerance; `regex`: completion matches "
                + "a pattern; `format`: completion follows a tag format; `length`: length-based "
                + "score; `overlong_penalty`: DAPO's soft overlong penalty; `external`: an external "
                + "command scores completions; `environment`: the episode's environment reward; `java`: the "
                + "class `class_name`.")
        @OneOf({"exact_match", "numeric_match", "regex", "format", "length", "overlong_penalty", "external",
                "environment", "java"})
        String type,
        @Doc(value = "For `type: java`: fully qualified name of a class implementing "
                + "`io.github.grpo4j.reward.RewardFunction` with a public constructor.",
                valid = "required for `type: java`, else null")
        String className,
        @Doc(value = "Weight w_k of this function in the total reward.", valid = "finite")
        @Range
        @Default("1.0")
        double weight,
        @Doc("Parameters of the reward type (e.g. `field: answer`, `pattern: ...`).")
        Map<String, Object> params) {

    /**
     * Fills in defaults for keys left null: weight 1, no parameters.
     *
     * @param name config key {@code name}, see {@link #name()}
     * @param type config key {@code type}, see {@link #type()}
     * @param className config key {@code class_name}, see {@link #className()}
     * @param weight config key {@code weight}, see {@link #weight()}
     * @param params config key {@code params}, see {@link #params()}
     */
    public RewardSpec {
        params = Configs.copyMap(params);
    }

    /** {@return the defaults of a list entry; {@code name} and {@code type} must be given} */
    public static RewardSpec defaults() {
        return Defaults.of(RewardSpec.class);
    }
}
