package io.github.grpo4j.config;

/**
 * Whether full fine-tuning keeps the frozen reference model's weights in a file instead of memory
 * ({@code training.ref_param_offload}).
 */
public enum RefParamOffload {
    /**
     * Offload when it pays: full fine-tuning (no LoRA) with a reference ({@code beta} &gt; 0, never synced)
     * of a model of at least {@link #AUTO_WEIGHT_BYTES} of float32 weights. There a resident copy costs
     * gigabytes and reading it back once a step costs about a second; for a small model it saves little.
     */
    AUTO,
    /** Always offload (an error with {@code loss.ref_model_sync_steps} &gt; 0). */
    TRUE,
    /** Keep the reference's weights in memory. */
    FALSE;

    /** Float32 weights from which {@link #AUTO} offloads: 1 GB, 250 M parameters. */
    public static final long AUTO_WEIGHT_BYTES = 1_000_000_000L;

    /**
     * Whether the reference is offloaded.
     *
     * @param fullFineTuning all weights are trained (no LoRA adapters: theirs is the base model itself)
     * @param reference      there is a reference model ({@code beta} &gt; 0)
     * @param syncSteps      {@code loss.ref_model_sync_steps} (a synced reference is not frozen)
     * @param weightBytes    the model's float32 weights
     * @return true to read the reference's weights from a file
     */
    public boolean offloads(boolean fullFineTuning, boolean reference, int syncSteps, long weightBytes) {
        if (!fullFineTuning || !reference) {
            return false;
        }
        return switch (this) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> syncSteps == 0 && weightBytes >= AUTO_WEIGHT_BYTES;
        };
    }
}
