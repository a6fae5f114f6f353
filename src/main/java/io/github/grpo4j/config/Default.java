package io.github.grpo4j.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A config key's default, written beside the key as a config file would spell it (as TRL's dataclass
 * fields carry theirs). {@link Defaults#of(Class)} builds a section's {@code defaults()} from these. A key
 * without one defaults to null, an empty list or map, or, for a section, that section's defaults.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.METHOD})
public @interface Default {
    /**
     * The default value.
     *
     * @return the value as written in a config file: a number, {@code true}/{@code false}, an option's
     *     name, a string, or {@code null}; a list key gives one entry per element
     */
    String[] value();
}
