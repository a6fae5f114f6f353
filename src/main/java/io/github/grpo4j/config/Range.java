package io.github.grpo4j.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A numeric key's valid interval (checked when a config is loaded; a {@code null} value of a
 * nullable key is not checked). NaN and infinities are always rejected.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD})
public @interface Range {
    /**
     * The lower bound.
     *
     * @return the smallest valid value (or the bound just below it when {@link #minExclusive()})
     */
    double min() default Double.NEGATIVE_INFINITY;

    /**
     * The upper bound.
     *
     * @return the largest valid value (or the bound just above it when {@link #maxExclusive()})
     */
    double max() default Double.POSITIVE_INFINITY;

    /**
     * Whether the value must be strictly greater than {@link #min()}.
     *
     * @return true for an open lower bound
     */
    boolean minExclusive() default false;

    /**
     * Whether the value must be strictly less than {@link #max()}.
     *
     * @return true for an open upper bound
     */
    boolean maxExclusive() default false;
}
