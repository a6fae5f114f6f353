package io.github.grpo4j.internal.environment;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.EnvironmentSection;
import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.internal.reward.Params;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** Builds a run's {@link EnvironmentPool} from its {@code environment} section or the Java API. */
public final class Environments {
    private Environments() {}

    /**
     * The pool of the configured environment, or of {@code given} (from the Java API), or null when there
     * is neither.
     *
     * @throws Grpo4jException naming the key ({@code environment.class_name}) for a bad section, or when both
     *     the config and the code give one
     */
    public static EnvironmentPool create(EnvironmentSection section, Supplier<? extends Environment> given) {
        Duration limit = Duration.ofMillis((long) Math.ceil(section.timeoutS() * 1000));
        if (given != null) {
            if (section.enabled()) {
                throw new Grpo4jException("environment: both the config (type: " + section.type() + ") and the code "
                        + "give an environment; remove one");
            }
            return new EnvironmentPool(given, limit, null);
        }
        if (!section.enabled()) {
            return null;
        }
        if (!"java".equals(section.type()) && section.className() != null) {
            throw new Grpo4jException("environment.class_name: is only used with type: java (type is '"
                    + section.type() + "')");
        }
        return switch (section.type()) {
            case "java" -> {
                new Params("environment (java)", section.params(), List.of());
                yield new EnvironmentPool(javaFactory(section.className()), limit, null);
            }
            case "external" -> {
                ExternalEnvironment external = ExternalEnvironment.create(
                        new Params("environment (external)", section.params(), ExternalEnvironment.PARAMS));
                yield new EnvironmentPool(external, limit, external);
            }
            default -> throw new Grpo4jException("environment.type: unknown environment type '" + section.type()
                    + "'; valid: java, external");
        };
    }

    /** A factory that makes a new instance of {@code className} per episode; checked once now. */
    static Supplier<Environment> javaFactory(String className) {
        String key = "environment.class_name";
        if (className == null || className.isBlank()) {
            throw new Grpo4jException(key + ": must be set for type: java; valid: a fully qualified class "
                    + "implementing io.github.grpo4j.environment.Environment");
        }
        Class<?> c;
        try {
            c = Class.forName(className);
        } catch (ClassNotFoundException e) {
            throw new Grpo4jException(key + ": class " + className + " is not on the classpath");
        }
        if (!Environment.class.isAssignableFrom(c)) {
            throw new Grpo4jException(key + ": " + className
                    + " does not implement io.github.grpo4j.environment.Environment");
        }
        java.lang.reflect.Constructor<?> ctor;
        try {
            ctor = c.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new Grpo4jException(key + ": " + className + " has no public no-argument constructor");
        }
        return () -> {
            try {
                return (Environment) ctor.newInstance();
            } catch (InvocationTargetException e) {
                throw new Grpo4jException("constructing " + className + " failed: " + e.getCause(), e);
            } catch (ReflectiveOperationException e) {
                throw new Grpo4jException("cannot construct " + className + ": " + e, e);
            }
        };
    }
}
