package io.github.grpo4j.internal.tokenizer.jinja;

import io.github.grpo4j.Grpo4jException;

/** A template that cannot be parsed or rendered; the message names the template, its line and what failed. */
public class JinjaException extends Grpo4jException {
    private final int line;

    public JinjaException(String templateName, int line, String message) {
        super(templateName + " line " + line + ": " + message);
        this.line = line;
    }

    /** 1-based line in the template source where the failure happened. */
    public int line() {
        return line;
    }
}
