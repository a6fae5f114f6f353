/**
 * A small Jinja interpreter for chat templates, in the spirit of llama.cpp's minja: exactly the
 * jinja2 behaviour transformers relies on (whitespace control with trim_blocks and lstrip_blocks,
 * loops with {@code loop.*}, namespaces, slices, Python string/dict methods, jinja2 filters and tests,
 * Python's str()/repr()/json.dumps output), checked byte for byte against jinja2 3.1 in the tests.
 * The only public types are {@link io.github.grpo4j.internal.tokenizer.jinja.JinjaTemplate} and
 * {@link io.github.grpo4j.internal.tokenizer.jinja.JinjaException}.
 */
package io.github.grpo4j.internal.tokenizer.jinja;
