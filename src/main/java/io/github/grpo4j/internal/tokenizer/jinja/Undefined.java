package io.github.grpo4j.internal.tokenizer.jinja;

/**
 * jinja2's default {@code Undefined}: falsy, prints as the empty string, iterates as empty, has
 * length 0; any other use (attribute, arithmetic, call, JSON) fails with {@link #hint()}.
 */
record Undefined(String hint) {
    @Override
    public String toString() {
        return "";
    }
}
