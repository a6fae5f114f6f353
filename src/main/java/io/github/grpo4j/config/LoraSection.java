package io.github.grpo4j.config;

import java.util.List;

/**
 * LoRA adapters (PEFT {@code LoraConfig} names and defaults): the base weights stay frozen and only
 * the low-rank matrices A and B of the targeted linear layers are trained.
 *
 * @param r config key {@code r}, default {@code 8}, valid: ≥ 1. Rank of the adapters.
 * @param loraAlpha config key {@code lora_alpha}, default {@code 8.0}, valid: &gt; 0. Scale numerator: the
 *     update is scaled by lora_alpha / r (lora_alpha / sqrt(r) with {@code use_rslora}).
 * @param loraDropout config key {@code lora_dropout}, default {@code 0.0}, valid: [0, 1). Dropout probability
 *     on the adapters' input during the update (PEFT applies it in training mode); generation and the
 *     reference and old log-probs see none.
 * @param targetModules config key {@code target_modules}, default {@code [q_proj, v_proj]}, valid: a
 *     non-empty list of module names, or all-linear. Linear layers to adapt, by module name ({@code q_proj},
 *     {@code k_proj}, {@code v_proj}, {@code o_proj}, {@code gate_proj}, {@code up_proj}, {@code down_proj}),
 *     or {@code all-linear} for every linear layer except the output head, as PEFT does.
 * @param useRslora config key {@code use_rslora}, default {@code false}. Rank-stabilised LoRA: scale by
 *     lora_alpha / sqrt(r) instead of lora_alpha / r.
 */
@Doc("LoRA adapters, with PEFT's `LoraConfig` names and defaults. Each targeted linear layer "
        + "`y = W x` becomes `y = W x + scale * B A dropout(x)` with A [r, in] and B [out, r]; only A and B are "
        + "trained (the base weights get no gradients and no optimizer state) and the reference model of the KL "
        + "term is the base with the adapters switched off. B starts at 0, so step 0 is the base model. "
        + "Checkpoints and `final/` hold a PEFT adapter (`adapter_config.json`, `adapter_model.safetensors`).")
public record LoraSection(
        @Doc("Rank of the adapters.")
        @Range(min = 1)
        @Default("8")
        int r,
        @Doc("Scale numerator: the update is scaled by lora_alpha / r (lora_alpha / sqrt(r) with `use_rslora`).")
        @Range(min = 0, minExclusive = true)
        @Default("8")
        double loraAlpha,
        @Doc("Dropout probability on the adapters' input during the update (PEFT applies it in training "
                + "mode); generation and the reference and old log-probs see none.")
        @Range(min = 0, max = 1, maxExclusive = true)
        @Default("0.0")
        double loraDropout,
        @Doc(value = "Linear layers to adapt, by module name (`q_proj`, `k_proj`, `v_proj`, `o_proj`, "
                + "`gate_proj`, `up_proj`, `down_proj`), or `all-linear` for every linear layer except the output "
                + "head, as PEFT does.",
                valid = "a non-empty list of module names, or all-linear")
        @Default({"q_proj", "v_proj"})
        List<String> targetModules,
        @Doc("Rank-stabilised LoRA: scale by lora_alpha / sqrt(r) instead of lora_alpha / r.")
        @Default("false")
        boolean useRslora) {

    /**
     * Fills in defaults for keys left null: PEFT's attention projections {@code q_proj}, {@code v_proj}.
     *
     * @param r config key {@code r}, see {@link #r()}
     * @param loraAlpha config key {@code lora_alpha}, see {@link #loraAlpha()}
     * @param loraDropout config key {@code lora_dropout}, see {@link #loraDropout()}
     * @param targetModules config key {@code target_modules}, see {@link #targetModules()}
     * @param useRslora config key {@code use_rslora}, see {@link #useRslora()}
     */
    public LoraSection {
        targetModules = targetModules == null || targetModules.isEmpty()
                ? List.of("q_proj", "v_proj") : List.copyOf(targetModules);
    }

    /** The module names {@code all-linear} stands for in a Llama / Qwen decoder layer. */
    public static final List<String> ALL_LINEAR =
            List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

    /** {@return PEFT's defaults: r 8, lora_alpha 8, lora_dropout 0, q_proj and v_proj, no rsLoRA} */
    public static LoraSection defaults() {
        return Defaults.of(LoraSection.class);
    }

    /**
     * The settings with another rank and alpha and target modules (e.g. from the CLI).
     *
     * @param r       the rank
     * @param alpha   lora_alpha
     * @param targets module names or {@code all-linear}
     * @return a copy with these values
     */
    public LoraSection with(int r, double alpha, List<String> targets) {
        return new LoraSection(r, alpha, loraDropout, targets, useRslora);
    }

    /** {@return the scale of the adapters' output: lora_alpha / r, or lora_alpha / sqrt(r) with rsLoRA} */
    public double scale() {
        return useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r;
    }

    /** {@return the targeted module names, {@code all-linear} expanded} */
    public List<String> resolvedTargets() {
        if (targetModules.size() == 1 && targetModules.get(0).equals("all-linear")) {
            return ALL_LINEAR;
        }
        return targetModules;
    }
}
