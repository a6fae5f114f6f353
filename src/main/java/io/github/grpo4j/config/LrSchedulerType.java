package io.github.grpo4j.config;

import java.util.Locale;

/** How the learning rate moves after the warm-up (transformers' {@code get_scheduler}). */
public enum LrSchedulerType {
    /** The peak rate until the end. */
    CONSTANT,
    /** Linear decay from the peak to 0 at the last update. */
    LINEAR,
    /** Half a cosine from the peak to 0 at the last update. */
    COSINE;

    /** {@return the config spelling: the lowercase name, e.g. {@code "cosine"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
