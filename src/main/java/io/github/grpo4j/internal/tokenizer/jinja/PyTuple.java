package io.github.grpo4j.internal.tokenizer.jinja;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An immutable Python tuple: a sequence that prints as {@code (a, b)}. */
final class PyTuple extends AbstractList<Object> {
    private final List<Object> items;

    PyTuple(List<?> items) {
        this.items = Collections.unmodifiableList(new ArrayList<>(items));
    }

    @Override
    public Object get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
