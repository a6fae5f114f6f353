package io.github.grpo4j.config;

import io.github.grpo4j.internal.config.ConfigValidator;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A numeric key's valid interval (checked by {@link ConfigValidator}; a {@code null} value of a
 * nullable key is not checked). NaN and infinities are always rejected.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Range {
    double min() default Double.NEGATIVE_INFINITY;

    double max() default Double.POSITIVE_INFINITY;

    /** The value must be strictly greater than {@link #min()}. */
    boolean minExclusive() default false;

    /** The value must be strictly less than {@link #max()}. */
    boolean maxExclusive() default false;
}
