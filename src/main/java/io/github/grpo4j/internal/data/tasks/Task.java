package io.github.grpo4j.internal.data.tasks;

import io.github.grpo4j.reward.RewardFunction;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A synthetic task that ships with grpo4j: a seeded generator of prompts with known answers, the
 * rewards that check completions, and the characters it uses (for the character tokenizer).
 *
 * <p>Rows are maps with at least {@code prompt} (the text given to the model) and {@code answer} (one
 * correct completion), plus task-specific fields the verifier reads. The problem space is split once
 * and for all by a hash of each problem's canonical form, so a problem is either in {@link Split#TRAIN}
 * or in {@link Split#HELD_OUT} whatever seed draws it; the seed only chooses which problems are drawn
 * and in what order. The same (task parameters, split, count, seed) always give the same rows.
 */
public interface Task {

    /** The registry name ({@code arithmetic}, {@code countdown}, {@code sort}). */
    String name();

    /**
     * Every character that can appear in a prompt or a correct answer, each once, sorted. A character
     * tokenizer built from it (plus its own special tokens) can encode every row and answer.
     */
    String alphabet();

    /**
     * {@code count} distinct problems (distinct prompts) of a split, drawn with {@code seed}.
     *
     * @throws io.github.grpo4j.Grpo4jException when the split has fewer distinct problems than asked
     */
    List<Map<String, Object>> rows(Split split, int count, long seed);

    /** An endless stream of problems of a split drawn with {@code seed}; problems may repeat. */
    Iterator<Map<String, Object>> stream(Split split, long seed);

    /** 1 when the completion is a correct answer to its row, else 0. */
    RewardFunction verifier();

    /** 1 when the completion has the shape of an answer (whether or not it is right), else 0. */
    RewardFunction format();

    /** The verifier then the format reward. */
    default List<RewardFunction> rewards() {
        return List.of(verifier(), format());
    }

    /** A suggested {@code max_completion_length} in characters: the longest correct answer plus one for EOS. */
    int maxCompletionLength();

    /** The longest prompt in characters. */
    int maxPromptLength();
}
