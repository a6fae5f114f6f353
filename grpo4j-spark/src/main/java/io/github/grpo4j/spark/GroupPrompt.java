package io.github.grpo4j.spark;

import io.github.grpo4j.internal.train.Prompt;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * One prompt group of a step as it is sent to an executor.
 *
 * @param group the group's index in the step's batch (the rows {@code group·G … group·G + G − 1})
 * @param text  the prompt as text (for reward functions)
 * @param ids   the prompt's token ids
 * @param row   the dataset row (reward functions read its fields)
 */
record GroupPrompt(int group, String text, int[] ids, LinkedHashMap<String, Object> row) implements Serializable {

    static GroupPrompt of(int group, Prompt p) {
        return new GroupPrompt(group, p.text(), p.ids(), new LinkedHashMap<>(p.row()));
    }

    Prompt prompt() {
        return new Prompt(text, ids, row);
    }

    static List<Prompt> prompts(List<GroupPrompt> groups) {
        return groups.stream().map(GroupPrompt::prompt).toList();
    }
}
