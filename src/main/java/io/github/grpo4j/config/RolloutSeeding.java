package io.github.grpo4j.config;

import java.util.Locale;

/**
 * Where a step's sampling randomness comes from: one stream for the whole batch, or one per prompt group.
 */
public enum RolloutSeeding {
    /** One random stream per step: all prompts' completions generated together, in one batch. */
    BATCH,
    /**
     * One random stream per prompt group, from (seed, step, group): each group generated on its own, so what
     * a group samples does not depend on the other groups or on which machine generates it.
     */
    GROUP;

    /** {@return the config spelling: the lowercase name, e.g. {@code "group"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
