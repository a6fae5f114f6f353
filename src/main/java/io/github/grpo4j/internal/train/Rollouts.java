package io.github.grpo4j.internal.train;

import io.github.grpo4j.Sample;
import io.github.grpo4j.internal.agent.Episodes;
import io.github.grpo4j.internal.algo.AdvantageResult;
import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.reward.RewardInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generated batch of one GRPO step, one row per completion: the prompt it was sampled for, the
 * completion's tokens and text, and, once scored, its rewards and advantage. A step fills it in order
 * (generation, then {@link #withRewards}, then {@link #withAdvantages}) and cuts micro-batches from it
 * with {@link #select}.
 *
 * @param prompts     the prompt of each row
 * @param completions the sampled completions (tokens, truncation flags, group of each row)
 * @param texts       the decoded completions
 * @param rewards     the reward functions' scores, or null before scoring
 * @param advantages  the group-relative advantages, or null before they are computed
 */
public record Rollouts(
        List<Prompt> prompts, Completions completions, List<String> texts, RewardResult rewards,
        AdvantageResult advantages) {

    /** The row field that holds a multi-turn episode's messages (assistant turns and tool results). */
    public static final String CONVERSATION = "conversation";

    /** The row field that holds a multi-turn episode's environment reward (the sum its steps returned). */
    public static final String ENVIRONMENT_REWARD = io.github.grpo4j.internal.reward.EnvironmentReward.FIELD;

    /** Completions of {@code prompts} sampled by a policy, with their decoded texts; not scored yet. */
    public static Rollouts generated(List<Prompt> prompts, Completions completions, List<String> texts) {
        List<Prompt> perRow = new ArrayList<>(completions.size());
        for (int g : completions.promptIndex()) {
            perRow.add(prompts.get(g));
        }
        return new Rollouts(List.copyOf(perRow), completions, List.copyOf(texts), null, null);
    }

    /**
     * This batch with each row's conversation (a multi-turn episode's assistant turns and tool results)
     * added to its dataset row under {@value #CONVERSATION}, where reward functions read it.
     */
    public Rollouts withConversations(List<List<Map<String, Object>>> conversations) {
        List<Map<String, Object>> fields = new ArrayList<>(size());
        for (List<Map<String, Object>> c : conversations) {
            fields.add(Map.of(CONVERSATION, c));
        }
        return withRowFields(fields);
    }

    /**
     * This batch of multi-turn episodes with each row's conversation under {@value #CONVERSATION} and, with
     * an environment, its environment reward (null where it returned none) under
     * {@value #ENVIRONMENT_REWARD}, where reward functions read them.
     */
    public Rollouts withEpisodes(Episodes episodes) {
        return withRowFields(episodeFields(episodes));
    }

    /**
     * The row fields each episode adds to its prompt's dataset row: {@value #CONVERSATION} and, with an
     * environment, {@value #ENVIRONMENT_REWARD} (null where it returned none). Training and evaluation
     * both score episodes with these fields.
     */
    public static List<Map<String, Object>> episodeFields(Episodes episodes) {
        List<Map<String, Object>> out = new ArrayList<>(episodes.size());
        for (int r = 0; r < episodes.size(); r++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put(CONVERSATION, episodes.conversations().get(r));
            if (episodes.environment() != null) {
                fields.put(ENVIRONMENT_REWARD, episodes.environment().rewards()[r]);
            }
            out.add(fields);
        }
        return out;
    }

    /** {@return {@code row} with {@code fields} added (a new map; {@code fields} wins on equal keys)} */
    public static Map<String, Object> withFields(Map<String, Object> row, Map<String, Object> fields) {
        Map<String, Object> out = new LinkedHashMap<>(row);
        out.putAll(fields);
        return out;
    }

    private Rollouts withRowFields(List<Map<String, Object>> fields) {
        List<Prompt> perRow = new ArrayList<>(size());
        for (int r = 0; r < size(); r++) {
            Prompt p = prompts.get(r);
            perRow.add(new Prompt(p.text(), p.ids(), withFields(p.row(), fields.get(r))));
        }
        return new Rollouts(perRow, completions, texts, rewards, advantages);
    }

    /** This batch with its rewards. */
    public Rollouts withRewards(RewardResult scores) {
        return new Rollouts(prompts, completions, texts, scores, advantages);
    }

    /** This batch with its advantages. */
    public Rollouts withAdvantages(AdvantageResult result) {
        return new Rollouts(prompts, completions, texts, rewards, result);
    }

    /**
     * The rows {@code rows} of this scored batch (before advantages), in that order, as a batch of its own:
     * groups are renumbered 0, 1, … in order of first appearance. Dynamic sampling keeps groups with it.
     */
    public Rollouts rows(int[] rows) {
        if (advantages != null) {
            throw new IllegalStateException("rows are selected before the advantages are computed");
        }
        int n = rows.length;
        int[][] tokens = new int[n][];
        float[][] logProbs = completions.logProbs() == null ? null : new float[n][];
        boolean[] truncated = new boolean[n];
        boolean[][] sampled = completions.sampled() == null ? null : new boolean[n][];
        int[] promptIndex = new int[n];
        List<Prompt> perRow = new ArrayList<>(n);
        List<String> rowTexts = new ArrayList<>(n);
        Map<Integer, Integer> renumbered = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            int r = rows[i];
            tokens[i] = completions.tokens()[r];
            if (logProbs != null) {
                logProbs[i] = completions.logProbs()[r];
            }
            truncated[i] = completions.truncated()[r];
            if (sampled != null) {
                sampled[i] = completions.sampled()[r];
            }
            promptIndex[i] = renumbered.computeIfAbsent(completions.promptIndex()[r], g -> renumbered.size());
            perRow.add(prompts.get(r));
            rowTexts.add(texts.get(r));
        }
        return new Rollouts(List.copyOf(perRow), new Completions(tokens, logProbs, truncated, promptIndex, sampled),
                List.copyOf(rowTexts), rewards == null ? null : rewards.rows(rows), null);
    }

    /** Scored batches (before advantages) one after the other as one batch; groups stay apart. */
    public static Rollouts concat(List<Rollouts> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<Integer> rows = new ArrayList<>();
        List<Rollouts> owners = new ArrayList<>();
        for (Rollouts part : parts) {
            for (int r = 0; r < part.size(); r++) {
                rows.add(r);
                owners.add(part);
            }
        }
        int n = rows.size();
        int[][] tokens = new int[n][];
        boolean logProbs = parts.stream().allMatch(p -> p.completions.logProbs() != null);
        float[][] lp = logProbs ? new float[n][] : null;
        boolean[] truncated = new boolean[n];
        // multi-turn episodes keep their mask of sampled tokens (context tokens stay out of the loss)
        boolean anyMask = parts.stream().anyMatch(p -> p.completions.sampled() != null);
        boolean[][] sampled = anyMask ? new boolean[n][] : null;
        int[] promptIndex = new int[n];
        List<Prompt> perRow = new ArrayList<>(n);
        List<String> rowTexts = new ArrayList<>(n);
        List<RewardResult> scores = new ArrayList<>();
        int groupOffset = 0;
        int i = 0;
        for (Rollouts part : parts) {
            int groupsInPart = 0;
            for (int r = 0; r < part.size(); r++, i++) {
                tokens[i] = part.completions.tokens()[r];
                if (lp != null) {
                    lp[i] = part.completions.logProbs()[r];
                }
                truncated[i] = part.completions.truncated()[r];
                if (sampled != null) {
                    sampled[i] = part.completions.sampled() != null ? part.completions.sampled()[r]
                            : allTrue(tokens[i].length);
                }
                promptIndex[i] = groupOffset + part.completions.promptIndex()[r];
                groupsInPart = Math.max(groupsInPart, part.completions.promptIndex()[r] + 1);
                perRow.add(part.prompts.get(r));
                rowTexts.add(part.texts.get(r));
            }
            groupOffset += groupsInPart;
            scores.add(part.rewards);
        }
        return new Rollouts(List.copyOf(perRow), new Completions(tokens, lp, truncated, promptIndex, sampled),
                List.copyOf(rowTexts), RewardResult.concat(scores), null);
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }

    /** The number of groups (prompts): one more than the largest group index. */
    public int groupCount() {
        int max = -1;
        for (int g : completions.promptIndex()) {
            max = Math.max(max, g);
        }
        return max + 1;
    }

    /** Number of rows (completions). */
    public int size() {
        return completions.size();
    }

    /** The group (prompt index) of each row. */
    public int[] groups() {
        return completions.promptIndex();
    }

    /** Completion length of each row in tokens the model sampled (tool results in an episode left out). */
    public int[] lengths() {
        int[] out = new int[size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = completions.sampledCount(r);
        }
        return out;
    }

    /** Prompt tokens plus completion tokens of the whole batch. */
    public long tokens() {
        long sum = 0;
        for (int r = 0; r < size(); r++) {
            sum += prompts.get(r).ids().length + completions.tokens()[r].length;
        }
        return sum;
    }

    /** Completion tokens of the whole batch. */
    public long completionTokens() {
        long sum = 0;
        for (int[] t : completions.tokens()) {
            sum += t.length;
        }
        return sum;
    }

    /** What the reward functions see of each row. */
    public List<RewardInput> rewardInputs() {
        List<RewardInput> inputs = new ArrayList<>(size());
        for (int r = 0; r < size(); r++) {
            Prompt p = prompts.get(r);
            inputs.add(new RewardInput(p.text(), texts.get(r), p.row(), completions.sampledCount(r),
                    completions.truncated()[r]));
        }
        return inputs;
    }

    /**
     * The micro-batch of {@code rows}: their prompts, completions, advantages (as the loss takes them, in
     * float) and per-row token weights (0 for a truncated completion when {@code maskTruncated}, else 1).
     */
    public MicroBatch select(int[] rows, boolean maskTruncated) {
        List<int[]> promptIds = new ArrayList<>(rows.length);
        List<int[]> tokens = new ArrayList<>(rows.length);
        float[] adv = new float[rows.length];
        float[] weights = new float[rows.length];
        List<boolean[]> sampled = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            promptIds.add(prompts.get(r).ids());
            tokens.add(completions.tokens()[r]);
            adv[i] = advantages == null ? 0f : (float) advantages.advantages()[r];
            weights[i] = maskTruncated && completions.truncated()[r] ? 0f : 1f;
            sampled.add(completions.sampled() == null ? null : completions.sampled()[r]);
        }
        return new MicroBatch(rows, promptIds, tokens, adv, weights, sampled, null, null);
    }

    /**
     * Each row as the public {@link Sample} (prompt, completion, rewards, length, truncation, and a multi-turn
     * episode's conversation).
     */
    public List<Sample> samples() {
        List<Sample> out = new ArrayList<>(size());
        for (int r = 0; r < size(); r++) {
            Map<String, Double> per = new LinkedHashMap<>();
            for (int k = 0; k < rewards.names().size(); k++) {
                per.put(rewards.names().get(k), rewards.perFunction()[k][r]);
            }
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> conversation = (List<Map<String, Object>>) prompts.get(r).row().get(CONVERSATION);
            out.add(new Sample(prompts.get(r).text(), texts.get(r), rewards.total()[r], per,
                    completions.sampledCount(r), completions.truncated()[r], conversation));
        }
        return out;
    }
}
