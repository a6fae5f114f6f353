package io.github.grpo4j.config;

import io.github.grpo4j.internal.config.ConfigValidator;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A string key whose value must be one of {@link #value()} (checked by {@link ConfigValidator}). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface OneOf {
    String[] value();

    /** Whether null (the key left unset) is allowed. */
    boolean nullable() default false;
}
