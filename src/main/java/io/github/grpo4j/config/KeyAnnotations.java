package io.github.grpo4j.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.RecordComponent;

/**
 * Finds a config key's {@link Doc}, {@link Range} and {@link Default}: on the record component, or, for a key
 * that several sections share ({@link OptimizerKeys}), on the accessor of an interface the record implements.
 * The component's own annotation wins, so a section can keep a shared key with a default of its own.
 */
public final class KeyAnnotations {
    private KeyAnnotations() {}

    /**
     * The annotation of a key.
     *
     * @param component a config record's component
     * @param type      {@link Doc}, {@link Range} or {@link Default}
     * @param <A>       the annotation type
     * @return the component's annotation, else that of the same-named accessor of an interface of the
     *     record, else null
     */
    public static <A extends Annotation> A of(RecordComponent component, Class<A> type) {
        A own = component.getAnnotation(type);
        if (own != null) {
            return own;
        }
        for (Class<?> shared : component.getDeclaringRecord().getInterfaces()) {
            try {
                A a = shared.getMethod(component.getName()).getAnnotation(type);
                if (a != null) {
                    return a;
                }
            } catch (NoSuchMethodException e) {
                // not a key of this interface
            }
        }
        return null;
    }
}
