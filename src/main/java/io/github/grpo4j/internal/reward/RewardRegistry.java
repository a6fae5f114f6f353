package io.github.grpo4j.internal.reward;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.reward.RewardFunction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the built-in reward functions from a config entry: a type and its parameters.
 *
 * <table>
 *   <caption>Built-in reward types</caption>
 *   <tr><th>type</th><th>parameters</th></tr>
 *   <tr><td>{@code exact_match}</td><td>{@code field}, {@code tag} | {@code extract}, {@code ignore_case} ({@link ExactMatchReward})</td></tr>
 *   <tr><td>{@code numeric_match}</td><td>{@code field}, {@code tolerance}, {@code tag} | {@code extract} ({@link NumericMatchReward})</td></tr>
 *   <tr><td>{@code regex}</td><td>{@code pattern} (required), {@code mode}, {@code matched}, {@code unmatched} ({@link RegexReward})</td></tr>
 *   <tr><td>{@code format}</td><td>as {@code regex}, pattern defaults to the think/answer layout, mode to full</td></tr>
 *   <tr><td>{@code length}</td><td>{@code coefficient}, {@code target}, {@code unit} ({@link LengthReward})</td></tr>
 *   <tr><td>{@code overlong_penalty}</td><td>{@code max_length}, {@code cache} (both required; {@link OverlongPenalty})</td></tr>
 *   <tr><td>{@code external}</td><td>{@code command} (required), {@code args}, {@code timeout_s}, {@code cwd}, {@code env} ({@link ExternalReward})</td></tr>
 *   <tr><td>{@code environment}</td><td>none: the episode's environment reward ({@link EnvironmentReward})</td></tr>
 * </table>
 * Weights and the error policy are not parameters of a function; they belong to the {@link RewardSet}.
 */
public final class RewardRegistry {
    private static final Map<String, List<String>> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("exact_match", ExactMatchReward.PARAMS);
        TYPES.put("numeric_match", NumericMatchReward.PARAMS);
        TYPES.put("regex", RegexReward.PARAMS);
        TYPES.put("format", RegexReward.PARAMS);
        TYPES.put("length", LengthReward.PARAMS);
        TYPES.put("overlong_penalty", OverlongPenalty.PARAMS);
        TYPES.put("external", ExternalReward.PARAMS);
        TYPES.put("environment", EnvironmentReward.PARAMS);
    }

    private RewardRegistry() {}

    /** The built-in type names, in documentation order. */
    public static List<String> types() {
        return List.copyOf(TYPES.keySet());
    }

    /** The valid parameter names of a type; Grpo4jException for an unknown type. */
    public static List<String> parameters(String type) {
        List<String> p = TYPES.get(type);
        if (p == null) {
            throw unknown(type);
        }
        return p;
    }

    /** A built-in reward named after its type. */
    public static RewardFunction create(String type, Map<String, Object> params) {
        return create(type, type, params);
    }

    /**
     * A built-in reward.
     *
     * @param name   the function's name (metrics, messages)
     * @param type   one of {@link #types()}
     * @param params the type's parameters (null = defaults)
     * @throws Grpo4jException for an unknown type, unknown parameter or invalid value, naming the valid ones
     */
    public static RewardFunction create(String name, String type, Map<String, Object> params) {
        Params p = new Params("reward '" + name + "' (" + type + ")", params, parameters(type));
        RewardFunction.checkName(name);
        return switch (type) {
            case "exact_match" -> ExactMatchReward.create(name, p);
            case "numeric_match" -> NumericMatchReward.create(name, p);
            case "regex" -> RegexReward.create(name, p, false);
            case "format" -> RegexReward.create(name, p, true);
            case "length" -> LengthReward.create(name, p);
            case "overlong_penalty" -> OverlongPenalty.create(name, p);
            case "external" -> ExternalReward.create(name, p);
            case "environment" -> EnvironmentReward.create(name, p);
            default -> throw unknown(type);
        };
    }

    private static Grpo4jException unknown(String type) {
        String closest = type == null ? null : Params.closest(type, types());
        StringBuilder sb = new StringBuilder("unknown reward type '" + type + "'");
        if (closest != null) {
            sb.append("; did you mean '").append(closest).append("'?");
        }
        sb.append(" Valid types and their parameters:");
        for (Map.Entry<String, List<String>> e : TYPES.entrySet()) {
            sb.append("\n  ").append(e.getKey()).append(": ").append(String.join(", ", e.getValue()));
        }
        return new Grpo4jException(sb.toString());
    }
}
