package io.github.grpo4j.internal.tools;

import java.util.List;

/** Reads tool calls out of a model turn; {@link ToolCallFormat} holds the model families' formats. */
public interface ToolCallParser {

    /** {@return strings that end a turn as soon as the decoded text contains one (the end of a call)} */
    List<String> stopStrings();

    /**
     * The calls in a model turn's text, in order; empty when there are none. Never throws: an unreadable
     * call is a {@link ToolCall#malformed} one.
     *
     * @param turn the turn's text, special tokens left out
     * @return the calls
     */
    List<ToolCall> parseCalls(String turn);
}
