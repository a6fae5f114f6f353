package io.github.grpo4j.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A string key whose value must be one of {@link #value()} (checked when a config is loaded). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface OneOf {
    /**
     * The valid values.
     *
     * @return the valid spellings, as written in a config file
     */
    String[] value();

    /**
     * Whether null (the key left unset) is allowed.
     *
     * @return true when null is valid
     */
    boolean nullable() default false;
}
