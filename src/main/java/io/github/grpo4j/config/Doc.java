package io.github.grpo4j.config;

import io.github.grpo4j.internal.bench.Machine;
import io.github.grpo4j.internal.config.ConfigDocs;
import io.github.grpo4j.internal.config.ConfigValidator;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Machine-readable documentation of a configuration key (a record component) or section (a record).
 * {@link ConfigDocs} generates {@code docs/configuration.md} from these, so the reference cannot
 * drift from the code.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.TYPE})
public @interface Doc {
    /** What the key means, where it comes from (paper / TRL), and what its special values do. */
    String value();

    /**
     * Text for the "valid" column when the rule is not expressed by {@link Range} or {@link OneOf}
     * (cross-field rules are enforced by {@link ConfigValidator}). Empty: derived from the annotations.
     */
    String valid() default "";
}
