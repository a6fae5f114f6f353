package io.github.grpo4j.config;

import java.util.Locale;

/**
 * Which standard deviation estimator scales the advantages (docs/algorithm.md §2). The seed uses the
 * population std, TRL and verl the sample std: on the worked example's rewards (docs/algorithm.md §7) they give 1.732 vs 1.5.
 */
public enum StdKind {
    /** Divide by n (numpy {@code np.std}, the worked example's choice). */
    POPULATION,
    /** Divide by n − 1 (Bessel; {@code torch.std}, as TRL and verl). */
    SAMPLE;

    /** {@return the config spelling: the lowercase name, e.g. {@code "population"}} */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
