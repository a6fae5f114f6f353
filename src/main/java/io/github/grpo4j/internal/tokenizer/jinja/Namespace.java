package io.github.grpo4j.internal.tokenizer.jinja;

import java.util.LinkedHashMap;
import java.util.Map;

/** jinja2's {@code namespace(...)}: the one object whose attributes {@code set ns.x = ...} may change. */
final class Namespace {
    final Map<String, Object> attrs = new LinkedHashMap<>();
}
