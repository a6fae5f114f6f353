package io.github.grpo4j.internal.tokenizer.jinja;

import java.util.List;
import java.util.Map;

/** Something a template can call: a global such as {@code range}, a macro, or a bound method. */
@FunctionalInterface
interface JinjaFunction {
    Object call(List<Object> args, Map<String, Object> kwargs);
}
