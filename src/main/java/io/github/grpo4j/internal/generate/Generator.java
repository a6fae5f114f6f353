package io.github.grpo4j.internal.generate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.model.CausalLm;
import io.github.grpo4j.internal.model.KvCache;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.SamplingParams;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * Batched sampling of G completions for each of B prompts with a KV cache.
 *
 * <p>How a call runs:
 * <ol>
 *   <li>Prompts are left-padded to the longest one, L tokens; position ids start at 0 on each row's
 *       first real token; the attention mask is 0 on padding.</li>
 *   <li>One prefill of the B distinct prompts into a cache of capacity L + max_new_tokens, then
 *       {@link KvCache#repeatInterleave} makes B·G rows (a prompt is encoded once per group).</li>
 *   <li>Decode one token per step for all B·G rows, each step in its own sub-{@link NDManager} closed
 *       at the end of the step, so memory stays flat. Only the B·G chosen ids come back to Java (for
 *       the EOS / stop-string checks); log-probs stay native in one preallocated buffer, read once.</li>
 * </ol>
 *
 * <p>A row ends at an EOS id (kept as its last token), once its decoded text contains a stop string
 * (the token completing it is kept, the text is not cut), or at max_new_tokens (then it is
 * truncated). Finished rows stay in the batch and are fed PAD (mask 1, so the mask is one array
 * built up front and sliced per step) until every row is done: rows of a batch do not interact, so
 * their outputs are simply ignored, and keeping the batch fixed avoids compacting
 * the cache (the cache has no such operation, and a gather of every layer would cost more than the
 * few wasted rows). Decoding stops as soon as all rows are finished.
 *
 * <p>Randomness: one {@code java.util.Random(seed)} per call gives one uniform per row per step, so
 * the same seed, prompts and parameters give the same completions.
 *
 * <p>Must not be called inside a gradient collector (nothing here needs gradients).
 */
public final class Generator {

    private final CausalLm model;
    private final int[] eosIds;
    private final int padId;
    private final Function<int[], String> decoder;
    /** Test hook: told how many arrays the call's manager holds after each step (memory must stay flat). */
    IntConsumer stepProbe;

    /**
     * @param model   the model to decode with
     * @param eosIds  ids that end a completion
     * @param padId   id fed for padding and for finished rows
     * @param decoder text of token ids, used for stop strings only
     */
    public Generator(CausalLm model, int[] eosIds, int padId, Function<int[], String> decoder) {
        this.model = model;
        this.eosIds = eosIds.clone();
        this.padId = padId;
        this.decoder = decoder;
    }

    /** A generator that takes EOS, PAD and the stop-string decoder from {@code tokenizer}. */
    public Generator(CausalLm model, Tokenizer tokenizer) {
        this(model, tokenizer.eosIds(), tokenizer.padId(), tokenizer::decode);
    }

    /**
     * Samples {@code numPerPrompt} completions per prompt; rows of prompt i are
     * {@code i*numPerPrompt .. i*numPerPrompt + numPerPrompt - 1}.
     *
     * @throws Grpo4jException for no prompts, an empty prompt, an id outside the vocabulary, a bad
     *     sampling parameter, or a prompt that with max_new_tokens exceeds the model's positions
     */
    public Completions generate(List<int[]> prompts, int numPerPrompt, SamplingParams params, long seed) {
        TokenSampler sampler = new TokenSampler(params);
        checkPrompts(prompts, numPerPrompt, params.maxNewTokens());
        int b = prompts.size();
        int g = numPerPrompt;
        int n = b * g;
        int vocab = model.vocabSize();
        int longest = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        int maxNew = params.maxNewTokens();
        int capacity = longest + maxNew;
        int[] promptLength = new int[n];
        for (int r = 0; r < n; r++) {
            promptLength[r] = prompts.get(r / g).length;
        }

        Random rng = new Random(seed);
        StopCheck stop = new StopCheck(params.stopStrings(), decoder);
        int[][] tokens = new int[n][maxNew];
        int[] length = new int[n];
        boolean[] finished = new boolean[n];
        boolean[] truncated = new boolean[n];
        int steps = 0;

        try (NDManager gen = NDManager.newBaseManager(device());
                KvCache cache = model.newCache(gen, b, capacity)) {
            NDArray mask = fullMask(gen, prompts, g, longest, capacity); // [N, capacity] int64
            NDArray logProbs = gen.zeros(new Shape(n, maxNew)); // [N, maxNew] float32
            NDArray presence = sampler.needsPresence() ? promptPresence(gen, prompts, g, vocab) : null; // [N, V]
            long[] next = new long[n];

            for (int t = 0; t < maxNew; t++) {
                try (NDManager step = gen.newSubManager()) {
                    NDArray logits = t == 0
                            ? prefill(step, prompts, longest, g, cache)
                            : decode(step, next, promptLength, t, longest, mask, cache); // [N, V]
                    TokenSampler.Choice choice =
                            sampler.sample(logits, presence, TokenSampler.uniforms(rng, n));
                    logProbs.set(new NDIndex(":, {}", t), choice.logProbs());
                    long[] ids = choice.ids().toLongArray(); // the one host copy per step
                    if (presence != null) {
                        NDArray updated = presence.scatter(
                                choice.ids().expandDims(1), step.ones(new Shape(n, 1), DataType.BOOLEAN), 1);
                        updated.attach(gen);
                        presence.close();
                        presence = updated;
                    }
                    steps = t + 1;
                    boolean allDone = true;
                    for (int r = 0; r < n; r++) {
                        if (finished[r]) {
                            next[r] = padId;
                            continue;
                        }
                        int id = (int) ids[r];
                        tokens[r][length[r]++] = id;
                        next[r] = id;
                        if (isEos(id) || stop.hit(tokens[r], length[r])) {
                            finished[r] = true;
                        } else if (length[r] == maxNew) {
                            finished[r] = true;
                            truncated[r] = true;
                        }
                        allDone &= finished[r];
                    }
                    if (allDone) {
                        break;
                    }
                }
                if (stepProbe != null) {
                    stepProbe.accept(gen.getManagedArrays().size());
                }
            }
            float[] flat = logProbs.get(new NDIndex(":, :{}", steps)).toFloatArray(); // [N, steps]
            int[][] outTokens = new int[n][];
            float[][] outLogProbs = new float[n][];
            int[] promptIndex = new int[n];
            for (int r = 0; r < n; r++) {
                outTokens[r] = Arrays.copyOf(tokens[r], length[r]);
                outLogProbs[r] = Arrays.copyOfRange(flat, r * steps, r * steps + length[r]);
                promptIndex[r] = r / g;
            }
            return new Completions(outTokens, outLogProbs, truncated, promptIndex);
        }
    }

    /** Forward over the left-padded prompts, fills the cache, returns last-position logits repeated G times. */
    private NDArray prefill(NDManager step, List<int[]> prompts, int longest, int g, KvCache cache) {
        int b = prompts.size();
        long[] ids = new long[b * longest];
        long[] positions = new long[b * longest];
        long[] mask = new long[b * longest];
        Arrays.fill(ids, padId);
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            int offset = longest - p.length;
            for (int j = 0; j < p.length; j++) {
                ids[i * longest + offset + j] = p[j];
                positions[i * longest + offset + j] = j;
                mask[i * longest + offset + j] = 1;
            }
        }
        Shape shape = new Shape(b, longest);
        // [B, 1, V]: left padding puts every row's last prompt token in the last column
        NDArray logits = model.forward(step.create(ids, shape), step.create(positions, shape),
                step.create(mask, shape), cache, longest - 1);
        NDArray last = logits.reshape(b, logits.getShape().get(2)); // [B, V]
        cache.repeatInterleave(g);
        if (g == 1) {
            return last;
        }
        long vocab = last.getShape().get(1);
        return last.expandDims(1).broadcast(b, g, vocab).reshape(b * (long) g, vocab); // [B·G, V]
    }

    /** Feeds the previous step's tokens (PAD for finished rows) and returns the next logits. */
    private NDArray decode(NDManager step, long[] next, int[] promptLength, int t, int longest, NDArray mask,
            KvCache cache) {
        int n = next.length;
        long[] positions = new long[n];
        for (int r = 0; r < n; r++) {
            positions[r] = promptLength[r] + t - 1; // position of the token sampled at step t-1
        }
        Shape shape = new Shape(n, 1);
        NDArray stepMask = mask.get(step, new NDIndex(":, :{}", longest + t)); // [N, L + t]
        NDArray logits = model.forward(step.create(next, shape), step.create(positions, shape), stepMask, cache);
        return logits.reshape(n, logits.getShape().get(2)); // [N, V]
    }

    /** Attention mask for every position the cache can hold: 0 on left padding, 1 elsewhere. */
    private static NDArray fullMask(NDManager manager, List<int[]> prompts, int g, int longest, int capacity) {
        int n = prompts.size() * g;
        long[] mask = new long[n * capacity];
        Arrays.fill(mask, 1);
        for (int r = 0; r < n; r++) {
            int pad = longest - prompts.get(r / g).length;
            Arrays.fill(mask, r * capacity, r * capacity + pad, 0);
        }
        return manager.create(mask, new Shape(n, capacity)); // [N, capacity]
    }

    private static NDArray promptPresence(NDManager manager, List<int[]> prompts, int g, int vocab) {
        List<int[]> rows = new ArrayList<>(prompts.size() * g);
        for (int[] p : prompts) {
            for (int k = 0; k < g; k++) {
                rows.add(p);
            }
        }
        return TokenSampler.presence(manager, rows, vocab); // [N, V]
    }

    private void checkPrompts(List<int[]> prompts, int numPerPrompt, int maxNew) {
        if (prompts.isEmpty()) {
            throw new Grpo4jException("generate needs at least one prompt, got none");
        }
        if (numPerPrompt < 1) {
            throw new Grpo4jException("num_generations must be >= 1, got " + numPerPrompt);
        }
        int vocab = model.vocabSize();
        for (int i = 0; i < prompts.size(); i++) {
            int[] p = prompts.get(i);
            if (p.length == 0) {
                throw new Grpo4jException("prompt " + i + " has no tokens; every prompt needs at least one");
            }
            for (int j = 0; j < p.length; j++) {
                if (p[j] < 0 || p[j] >= vocab) {
                    throw new Grpo4jException("prompt " + i + " token " + j + " is id " + p[j]
                            + ", outside the model's vocabulary [0, " + vocab + ")");
                }
            }
            if (p.length + maxNew > model.maxPositions()) {
                throw new Grpo4jException("prompt " + i + " has " + p.length + " tokens; with max_new_tokens "
                        + maxNew + " that is " + (p.length + maxNew) + " positions, but the model accepts at most "
                        + model.maxPositions() + ". Shorten the prompt (max_prompt_length) or lower max_new_tokens.");
            }
        }
    }

    private boolean isEos(int id) {
        for (int e : eosIds) {
            if (e == id) {
                return true;
            }
        }
        return false;
    }

    private Device device() {
        var params = model.parameters();
        return params.isEmpty() ? null : params.values().iterator().next().getDevice();
    }

    /**
     * Whether a row's text contains a stop string. Decodes only the last tokens: a stop string of c
     * characters is covered by at most 4·c tokens (byte-level BPE spends up to 4 tokens on one
     * character), and earlier text was already checked at earlier steps.
     */
    private static final class StopCheck {
        private final List<String> stops;
        private final Function<int[], String> decoder;
        private final int window;

        StopCheck(List<String> stops, Function<int[], String> decoder) {
            this.stops = stops;
            this.decoder = decoder;
            this.window = 4 * stops.stream().mapToInt(String::length).max().orElse(0) + 4;
        }

        boolean hit(int[] tokens, int length) {
            if (stops.isEmpty()) {
                return false;
            }
            String tail = decoder.apply(Arrays.copyOfRange(tokens, Math.max(0, length - window), length));
            for (String s : stops) {
                if (tail.contains(s)) {
                    return true;
                }
            }
            return false;
        }
    }
}
