package io.github.grpo4j.internal.agent;

import io.github.grpo4j.internal.tools.ToolBox;
import io.github.grpo4j.internal.tools.ToolCall;
import io.github.grpo4j.internal.tools.ToolCallParser;
import io.github.grpo4j.internal.train.Seeds;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batched multi-turn rollouts with tools.
 *
 * <p>All G·P episodes start together: the policy samples a turn for every one (G per prompt), stopping
 * at EOS or at the end of a tool call ({@link ToolCallParser#stopStrings}). The calls of each turn are
 * parsed and run ({@link ToolBox}: failures become {@code error: ...} results, never exceptions), and
 * their results, rendered by the chat template ({@link ToolTurns}), are appended as context tokens.
 * The next turn samples only the episodes still going, each from its prompt plus everything so far, so
 * finished episodes cost no more decoding. An episode ends when a turn has no tool call, after
 * {@code max_turns} rounds of tool calls (a further call is left unanswered), or when it reaches
 * {@code max_new_tokens} over the whole episode, counting model and context tokens (then it is
 * truncated; context that would not fit is not appended).
 *
 * <p>Randomness: turn k of a call draws from {@code Seeds.of(seed, k, TURN)}, so the same seed gives the
 * same episodes (and a resumed run the same as an uninterrupted one).
 */
public final class MultiTurnRollout {
    private static final long TURN = 11;

    private final ToolBox tools;
    private final ToolCallParser format;
    private final ToolTurns turns;
    private final int maxTurns;

    /**
     * @param tools    the tools the model may call
     * @param format   how calls are written
     * @param turns    renders tool results as context tokens
     * @param maxTurns rounds of tool calls per episode, ≥ 1 (TRL's {@code max_tool_calling_iterations})
     */
    public MultiTurnRollout(ToolBox tools, ToolCallParser format, ToolTurns turns, int maxTurns) {
        if (maxTurns < 1) {
            throw new IllegalArgumentException("max_turns must be >= 1, got " + maxTurns);
        }
        this.tools = tools;
        this.format = format;
        this.turns = turns;
        this.maxTurns = maxTurns;
    }

    /** {@return the tools} */
    public ToolBox tools() {
        return tools;
    }

    /**
     * Runs {@code g} episodes per prompt.
     *
     * @param policy  samples the model's turns and decodes them
     * @param prompts prompt token ids
     * @param g       episodes per prompt
     * @param params  sampling; {@code maxNewTokens} bounds each whole episode
     * @param seed    seeds every turn
     * @return the episodes, G consecutive rows per prompt
     */
    public Episodes generate(Policy policy, List<int[]> prompts, int g, SamplingParams params, long seed) {
        int n = prompts.size() * g;
        int budget = params.maxNewTokens();
        int[][] tokens = new int[n][budget];
        float[][] logProbs = new float[n][budget];
        boolean[][] sampled = new boolean[n][budget];
        int[] length = new int[n];
        boolean[] truncated = new boolean[n];
        int[] rounds = new int[n];
        int[] modelTurns = new int[n];
        int[] calls = new int[n];
        int[] failures = new int[n];
        List<List<Map<String, Object>>> conversations = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            conversations.add(new ArrayList<>());
        }

        int[] active = new int[n];
        Arrays.setAll(active, r -> r);
        Completions turn = policy.generate(prompts, g, withBudget(params, budget), Seeds.of(seed, 0, TURN));
        for (int k = 1; ; k++) {
            List<Integer> going = new ArrayList<>();
            for (int i = 0; i < active.length; i++) {
                int r = active[i];
                int[] t = turn.tokens()[i];
                int keep = Math.min(t.length, budget - length[r]);
                System.arraycopy(t, 0, tokens[r], length[r], keep);
                System.arraycopy(turn.logProbs()[i], 0, logProbs[r], length[r], keep);
                Arrays.fill(sampled[r], length[r], length[r] + keep, true);
                length[r] += keep;
                modelTurns[r]++;
                String text = policy.decode(Arrays.copyOf(t, keep));
                conversations.get(r).add(message("assistant", text));
                if (keep < t.length || turn.truncated()[i]) {
                    truncated[r] = true; // the episode's length limit cut this turn
                    continue;
                }
                List<ToolCall> parsed = format.parseCalls(text);
                if (parsed.isEmpty() || rounds[r] >= maxTurns) {
                    continue; // the model answered, or used up its rounds of calls
                }
                List<ToolBox.Outcome> results = new ArrayList<>(parsed.size());
                for (ToolCall call : parsed) {
                    ToolBox.Outcome o = tools.run(call);
                    results.add(o);
                    conversations.get(r).add(ToolTurns.message(o));
                    calls[r]++;
                    failures[r] += o.failed() ? 1 : 0;
                }
                rounds[r]++;
                int[] context = turns.context(results, t[keep - 1]);
                if (length[r] + context.length >= budget) {
                    truncated[r] = true; // no room for the results and a reply
                    continue;
                }
                System.arraycopy(context, 0, tokens[r], length[r], context.length);
                length[r] += context.length;
                going.add(r);
            }
            if (going.isEmpty()) {
                break;
            }
            active = going.stream().mapToInt(Integer::intValue).toArray();
            List<int[]> contexts = new ArrayList<>(active.length);
            int room = 0;
            int longest = 0;
            for (int r : active) {
                int[] p = prompts.get(r / g);
                int[] ctx = Arrays.copyOf(p, p.length + length[r]);
                System.arraycopy(tokens[r], 0, ctx, p.length, length[r]);
                contexts.add(ctx);
                room = Math.max(room, budget - length[r]);
                longest = Math.max(longest, ctx.length);
            }
            if (policy instanceof LanguageModelPolicy tp) {
                // one batch shares one length limit: keep the longest context within the model's positions
                // (an episode cut by this, rather than by its own budget, ends as truncated)
                room = Math.max(1, Math.min(room, tp.model().maxPositions() - longest));
            }
            turn = policy.generate(contexts, 1, withBudget(params, room), Seeds.of(seed, k, TURN));
        }

        int[][] outTokens = new int[n][];
        float[][] outLogProbs = new float[n][];
        boolean[][] outSampled = new boolean[n][];
        int[] promptIndex = new int[n];
        for (int r = 0; r < n; r++) {
            outTokens[r] = Arrays.copyOf(tokens[r], length[r]);
            outLogProbs[r] = Arrays.copyOf(logProbs[r], length[r]);
            outSampled[r] = Arrays.copyOf(sampled[r], length[r]);
            promptIndex[r] = r / g;
        }
        return new Episodes(new Completions(outTokens, outLogProbs, truncated, promptIndex, outSampled),
                conversations, calls, failures, modelTurns);
    }

    /** The sampling parameters of one turn: at most {@code maxNew} tokens, stopping after a tool call. */
    private SamplingParams withBudget(SamplingParams p, int maxNew) {
        List<String> stops = new ArrayList<>(p.stopStrings());
        for (String s : format.stopStrings()) {
            if (!stops.contains(s)) {
                stops.add(s);
            }
        }
        return new SamplingParams(p.temperature(), p.topK(), p.topP(), p.minP(), p.repetitionPenalty(), maxNew, stops);
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }
}
