package io.github.grpo4j.internal.agent;

import io.github.grpo4j.environment.Environment;
import io.github.grpo4j.internal.environment.EnvironmentPool;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.tools.ToolBox;
import io.github.grpo4j.internal.tools.ToolCall;
import io.github.grpo4j.internal.tools.ToolCallParser;
import io.github.grpo4j.internal.train.Seeds;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
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
 * <p>With an environment, each episode starts with its environment's {@code reset} messages as context,
 * and every turn that calls no tool is answered by the environment's {@code step}: its messages are
 * appended as context (masked like tool results) and the episode goes on, until the environment is done,
 * a call fails, or the environment has answered {@code environment.max_turns} turns.
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
    private final EnvironmentPool environment;
    private final int environmentTurns;

    /**
     * @param tools    the tools the model may call
     * @param format   how calls are written
     * @param turns    renders tool results as context tokens
     * @param maxTurns rounds of tool calls per episode, ≥ 1 (TRL's {@code max_tool_calling_iterations})
     */
    public MultiTurnRollout(ToolBox tools, ToolCallParser format, ToolTurns turns, int maxTurns) {
        this(tools, format, turns, maxTurns, null, 1);
    }

    /**
     * @param tools            the tools the model may call (may be none)
     * @param format           how calls are written
     * @param turns            renders tool results and environment messages as context tokens
     * @param maxTurns         rounds of tool calls per episode, ≥ 1
     * @param environment      answers the model's turns that call no tool, or null
     * @param environmentTurns model turns the environment answers per episode, ≥ 1
     */
    public MultiTurnRollout(ToolBox tools, ToolCallParser format, ToolTurns turns, int maxTurns,
            EnvironmentPool environment, int environmentTurns) {
        if (maxTurns < 1) {
            throw new IllegalArgumentException("max_turns must be >= 1, got " + maxTurns);
        }
        if (environmentTurns < 1) {
            throw new IllegalArgumentException("environment.max_turns must be >= 1, got " + environmentTurns);
        }
        this.tools = tools;
        this.format = format;
        this.turns = turns;
        this.maxTurns = maxTurns;
        this.environment = environment;
        this.environmentTurns = environmentTurns;
    }

    /** {@return the tools} */
    public ToolBox tools() {
        return tools;
    }

    /**
     * Runs {@code g} episodes per prompt, without dataset rows (an environment is reset with an empty row).
     *
     * @param policy  samples the model's turns and decodes them
     * @param prompts prompt token ids
     * @param g       episodes per prompt
     * @param params  sampling; {@code maxNewTokens} bounds each whole episode
     * @param seed    seeds every turn
     * @return the episodes, G consecutive rows per prompt
     */
    public Episodes generate(Policy policy, List<int[]> prompts, int g, SamplingParams params, long seed) {
        return generate(policy, prompts, null, g, params, seed);
    }

    /**
     * Runs {@code g} episodes per prompt.
     *
     * @param policy  samples the model's turns and decodes them
     * @param prompts prompt token ids
     * @param rows    each prompt's dataset row, which an environment is reset with (null: empty rows)
     * @param g       episodes per prompt
     * @param params  sampling; {@code maxNewTokens} bounds each whole episode
     * @param seed    seeds every turn
     * @return the episodes, G consecutive rows per prompt
     */
    public Episodes generate(Policy policy, List<int[]> prompts, List<Map<String, Object>> rows, int g,
            SamplingParams params, long seed) {
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
        Environment[] envs = environment == null ? null : new Environment[n];
        Episodes.EnvironmentTally tally = environment == null ? null
                : new Episodes.EnvironmentTally(new Double[n], new int[n], new int[n]);

        int[] active = new int[n];
        Arrays.setAll(active, r -> r);
        Completions turn;
        try {
            if (environment == null) {
                turn = policy.generate(prompts, g, withBudget(params, budget), Seeds.of(seed, 0, TURN));
            } else {
                // each episode starts with its environment's reset messages (if any) as context
                List<Integer> going = new ArrayList<>();
                for (int r = 0; r < n; r++) {
                    EnvironmentPool.Started started = environment.start(rows == null ? Map.of()
                            : rows.get(r / g));
                    envs[r] = started.environment();
                    if (!record(started.reset(), r, -1, tally, conversations, tokens, length, truncated, budget)) {
                        going.add(r);
                    }
                }
                active = going.stream().mapToInt(Integer::intValue).toArray();
                turn = next(policy, prompts, g, tokens, length, active, params, budget, Seeds.of(seed, 0, TURN));
            }
            for (int k = 1; turn != null; k++) {
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
                    int last = keep == 0 ? -1 : t[keep - 1];
                    List<ToolCall> parsed = tools.names().isEmpty() ? List.of() : format.parseCalls(text);
                    if (!parsed.isEmpty()) {
                        List<Map<String, Object>> conv = conversations.get(r);
                        withToolCalls(conv.get(conv.size() - 1), parsed);
                    }
                    if (!parsed.isEmpty() && rounds[r] < maxTurns) {
                        List<ToolBox.Outcome> results = new ArrayList<>(parsed.size());
                        for (ToolCall call : parsed) {
                            ToolBox.Outcome o = tools.run(call);
                            results.add(o);
                            conversations.get(r).add(ToolTurns.message(o));
                            calls[r]++;
                            failures[r] += o.failed() ? 1 : 0;
                        }
                        rounds[r]++;
                        int[] context = turns.context(results, last);
                        if (length[r] + context.length >= budget) {
                            truncated[r] = true; // no room for the results and a reply
                            continue;
                        }
                        System.arraycopy(context, 0, tokens[r], length[r], context.length);
                        length[r] += context.length;
                        going.add(r);
                    } else if (envs != null && envs[r] != null && parsed.isEmpty()) {
                        // the environment answers a turn that calls no tool
                        EnvironmentPool.Outcome o = environment.step(envs[r], text);
                        boolean over = o.done() || o.failed() || modelTurns[r] >= environmentTurns;
                        if (!record(over ? ended(o) : o, r, last, tally, conversations, tokens, length, truncated,
                                budget)) {
                            going.add(r);
                        }
                    }
                }
                if (going.isEmpty()) {
                    break;
                }
                active = going.stream().mapToInt(Integer::intValue).toArray();
                turn = next(policy, prompts, g, tokens, length, active, params, budget, Seeds.of(seed, k, TURN));
            }
        } finally {
            if (envs != null) {
                for (Environment e : envs) {
                    environment.end(e);
                }
            }
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
                conversations, calls, failures, modelTurns, tally);
    }

    /** An outcome that ends the episode: its messages are not shown (there is no next turn to see them). */
    private static EnvironmentPool.Outcome ended(EnvironmentPool.Outcome o) {
        return new EnvironmentPool.Outcome(o.messages(), o.reward(), true, o.error());
    }

    /**
     * Records an environment call's outcome for episode {@code r}: counts it, adds its reward and messages
     * to the episode, and, when the episode goes on, appends the messages as context.
     *
     * @return whether the episode is over
     */
    private boolean record(EnvironmentPool.Outcome o, int r, int lastToken, Episodes.EnvironmentTally tally,
            List<List<Map<String, Object>>> conversations, int[][] tokens, int[] length, boolean[] truncated,
            int budget) {
        tally.calls()[r]++;
        if (o.failed()) {
            tally.failures()[r]++;
            conversations.get(r).add(message("environment_error", o.error()));
            return true;
        }
        if (o.reward() != null) {
            tally.rewards()[r] = (tally.rewards()[r] == null ? 0.0 : tally.rewards()[r]) + o.reward();
        }
        for (Map<String, Object> m : o.messages()) {
            conversations.get(r).add(m);
        }
        if (o.done()) {
            return true;
        }
        if (o.messages().isEmpty()) {
            return false;
        }
        int[] context = turns.contextOf(o.messages(), lastToken);
        if (length[r] + context.length >= budget) {
            truncated[r] = true; // no room for the messages and a reply
            return true;
        }
        System.arraycopy(context, 0, tokens[r], length[r], context.length);
        length[r] += context.length;
        return false;
    }

    /** The next turn of the episodes {@code active}, each from its prompt plus everything so far; null if none. */
    private Completions next(Policy policy, List<int[]> prompts, int g, int[][] tokens, int[] length, int[] active,
            SamplingParams params, int budget, long seed) {
        if (active.length == 0) {
            return null;
        }
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
        return policy.generate(contexts, 1, withBudget(params, room), seed);
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

    /**
     * Adds the well-formed calls of an assistant turn to its message as {@code tool_calls}, in transformers'
     * format ({@code {"type": "function", "function": {"name": ..., "arguments": {...}}}}), so a stored
     * conversation reads as TRL's and a chat template can render it again. Malformed calls have no name or
     * arguments to store: their text stays in {@code content} and their error in the tool message.
     */
    static void withToolCalls(Map<String, Object> assistant, List<ToolCall> calls) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ToolCall c : calls) {
            if (c.error() == null) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", c.name());
                function.put("arguments", c.arguments());
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("type", "function");
                call.put("function", function);
                out.add(call);
            }
        }
        if (!out.isEmpty()) {
            assistant.put("tool_calls", out);
        }
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", role);
        m.put("content", content);
        return m;
    }
}
