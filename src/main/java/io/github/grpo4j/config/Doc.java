package io.github.grpo4j.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Machine-readable documentation of a configuration key (a record component) or section (a record).
 * {@code docs/configuration.md} and the config records' Javadoc are generated from these, so the
 * reference cannot drift from the code.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD, ElementType.TYPE})
public @interface Doc {
    /**
     * The key's documentation.
     *
     * @return what the key means, where it comes from (paper / TRL), and what its special values do (Markdown)
     */
    String value();

    /**
     * The valid values when the rule is not expressed by {@link Range} or {@link OneOf} (cross-field
     * rules are enforced when the config is loaded).
     *
     * @return text for the "valid" column; empty: derived from the annotations
     */
    String valid() default "";
}
