package io.github.grpo4j.internal.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.policy.SamplingParams;
import java.util.List;
import java.util.Random;

/**
 * Chooses the next token of each row from its logits, batched in NDArray ops (no Java loop over the
 * vocabulary).
 *
 * <p>Order of the logit processors, as in transformers' {@code generate}: repetition penalty, then
 * temperature, then top-k, top-p, min-p. Temperature 0 means greedy (argmax of the penalised
 * logits).
 *
 * <p>Sampling is by inverse CDF: the kept probabilities are cumulated ({@code cumSum}) and each row
 * takes the first token whose cumulative weight exceeds {@code U · total}, with one uniform U per row
 * drawn by the caller from a seeded Java RNG. So the same seed gives the same tokens, and DJL's lack
 * of a multinomial sampler does not matter.
 *
 * <p><b>Recorded log-prob.</b> The log-prob returned for each chosen token is
 * {@code log_softmax(logits / temperature)} of the <em>raw</em> logits: without top-k / top-p /
 * min-p truncation (as TRL and verl record it, docs/algorithm.md §1) and also <em>without</em> the repetition
 * penalty. That way the sampled log-probs equal the teacher-forced log-probs of
 * {@code Policy.score}, which sees no penalty; the importance ratio at the first GRPO iteration is
 * then exactly 1. (TRL's generation applies the penalty to the sampling distribution but its training
 * pass recomputes log-probs without it, so there too the trained distribution is the unpenalised
 * one; we record the same quantity directly.) With temperature 0 (greedy) the log-prob is
 * {@code log_softmax(logits)}, i.e. temperature 1.
 */
public final class TokenSampler {

    /** Keeps the sampling point strictly inside the total mass despite float rounding. */
    private static final double INSIDE = 1.0 - 1e-6;
    /** How many of the best tokens top-p looks at before it sorts the whole vocabulary. */
    static final int NUCLEUS_PREFIX = 1024;

    private final SamplingParams params;
    private final int nucleusPrefix;

    /**
     * @throws Grpo4jException if a parameter is out of range (message names the field and the valid
     *     range)
     */
    public TokenSampler(SamplingParams params) {
        this(params, NUCLEUS_PREFIX);
    }

    /** With another top-p prefix size, for tests of both the prefix and the full-sort path. */
    TokenSampler(SamplingParams params, int nucleusPrefix) {
        validate(params);
        this.params = params;
        this.nucleusPrefix = nucleusPrefix;
    }

    /** The chosen ids {@code [B]} (int64) and their recorded log-probs {@code [B]} (float32). */
    public record Choice(NDArray ids, NDArray logProbs) {}

    /** Checks every field of {@code params} and throws a {@link Grpo4jException} naming the bad one. */
    public static void validate(SamplingParams params) {
        if (!(params.temperature() >= 0) || Double.isInfinite(params.temperature())) {
            throw new Grpo4jException("temperature must be >= 0 (0 = greedy), got " + params.temperature());
        }
        if (params.topK() < 0) {
            throw new Grpo4jException("top_k must be >= 0 (0 disables), got " + params.topK());
        }
        if (!(params.topP() > 0 && params.topP() <= 1)) {
            throw new Grpo4jException("top_p must be in (0, 1] (1 disables), got " + params.topP());
        }
        if (!(params.minP() >= 0 && params.minP() <= 1)) {
            throw new Grpo4jException("min_p must be in [0, 1] (0 disables), got " + params.minP());
        }
        if (!(params.repetitionPenalty() > 0) || Double.isInfinite(params.repetitionPenalty())) {
            throw new Grpo4jException(
                    "repetition_penalty must be > 0 (1 disables), got " + params.repetitionPenalty());
        }
        if (params.maxNewTokens() < 1) {
            throw new Grpo4jException("max_new_tokens must be >= 1, got " + params.maxNewTokens());
        }
        for (String s : params.stopStrings()) {
            if (s == null || s.isEmpty()) {
                throw new Grpo4jException("stop strings must be non-empty, got " + params.stopStrings());
            }
        }
    }

    public SamplingParams params() {
        return params;
    }

    /** True when {@link #sample} needs the presence mask of the tokens so far. */
    public boolean needsPresence() {
        return params.repetitionPenalty() != 1.0;
    }

    /**
     * Convenience form for tests and one-off use: builds the presence mask from {@code tokensSoFar}
     * (prompt + completion of each row) and draws the uniforms from {@code new Random(seed)}.
     */
    public Choice sample(NDArray logits, List<int[]> tokensSoFar, long seed) {
        int batch = Math.toIntExact(logits.getShape().get(0));
        int vocab = Math.toIntExact(logits.getShape().get(1));
        float[] u = uniforms(new Random(seed), batch);
        if (!needsPresence()) {
            return sample(logits, null, u);
        }
        NDArray presence = presence(logits.getManager(), tokensSoFar, vocab);
        return sample(logits, presence, u);
    }

    /** {@code n} uniforms in [0, 1), the per-row randomness of one sampling step. */
    public static float[] uniforms(Random rng, int n) {
        float[] u = new float[n];
        for (int i = 0; i < n; i++) {
            u[i] = rng.nextFloat();
        }
        return u;
    }

    /**
     * Chooses one token per row.
     *
     * @param logits   {@code [B, V]} float32 logits of the current step; results land in its manager
     * @param presence {@code [B, V]} boolean, true for tokens present in the row's prompt or completion;
     *                 only read when the repetition penalty is not 1 (may be null otherwise)
     * @param uniforms one number in [0, 1) per row (ignored when greedy)
     */
    public Choice sample(NDArray logits, NDArray presence, float[] uniforms) {
        NDManager m = logits.getManager();
        long batch = logits.getShape().get(0);
        long vocab = logits.getShape().get(1);
        NDArray penalised = needsPresence() ? penalize(logits, presence, params.repetitionPenalty()) : logits;

        if (params.greedy()) {
            NDArray ids = penalised.argMax(1).expandDims(1); // [B, 1]
            return new Choice(ids.squeeze(1), recordedLogProbs(logits, ids));
        }

        // Every op with a [B, V] result allocates fresh memory (≈ 39 MB for 64 rows of a 151k
        // vocabulary: page faults, not arithmetic, dominate), so this path makes as few as it can:
        // shifted, exp, cumulative (and a boolean mask). The recorded log-prob reuses the softmax
        // pieces: log p(id) = shifted[id] − log Σ exp(shifted), shifted = logits/T − row max.
        float temperature = (float) params.temperature();
        NDArray shifted; // [B, V], ≤ 0, max 0 in each row
        if (temperature == 1f) {
            shifted = logits.sub(logits.max(new int[] {1}, true));
        } else {
            shifted = logits.div(temperature); // the same op Policy.score applies
            shifted.subi(shifted.max(new int[] {1}, true));
        }
        NDArray exp = shifted.exp(); // [B, V]
        NDArray total = exp.sum(new int[] {1}, true); // [B, 1]
        NDArray logTotal = total.log(); // [B, 1]
        // What the truncations and the draw see: the same scores, or the penalised ones.
        NDArray scores = needsPresence() ? penalised.div(temperature) : shifted; // [B, V]

        NDArray relative; // [B, C] candidate scores minus the row's best score
        NDArray weights; // [B, C] unnormalised candidate probabilities, 1 at the best; owned here
        NDArray candidateIds = null; // [B, C] vocabulary ids of the candidates, null = identity
        NDArray nucleusTotal = null; // [B, 1] the mass top-p normalises by
        int k = params.topK();
        if (k > 0 && k < vocab) {
            NDList top = scores.topK(k, 1, true, true); // sorted descending
            relative = top.get(0).sub(top.get(0).get(":, :1"));
            weights = relative.exp();
            candidateIds = top.get(1);
            if (params.topP() < 1.0) {
                nucleusTotal = weights.sum(new int[] {1}, true); // top-p sees the top-k survivors only
            }
        } else if (params.topP() < 1.0) {
            NDArray scoresTotal = needsPresence()
                    ? scores.sub(scores.max(new int[] {1}, true)).exp().sum(new int[] {1}, true)
                    : total; // [B, 1] mass of all tokens, scaled so the best token weighs 1
            NDList top = nucleusCandidates(scores, scoresTotal, vocab);
            relative = top.get(0).sub(top.get(0).get(":, :1"));
            weights = relative.exp();
            candidateIds = top.get(1);
            nucleusTotal = scoresTotal;
        } else if (needsPresence()) {
            relative = scores.sub(scores.max(new int[] {1}, true));
            weights = relative.exp();
        } else {
            relative = shifted;
            weights = exp;
        }

        if (nucleusTotal != null) {
            // Keep a token while the mass strictly before it (in descending order) is < top_p:
            // transformers' "remove if ascending cumsum <= 1 - top_p", always keeping the top token.
            NDArray cumulative = weights.cumSum(1); // [B, C]
            weights.muli(cumulative.sub(weights).lt(nucleusTotal.mul((float) params.topP())));
        }
        if (params.minP() > 0.0) {
            // p_i < min_p · p_max  ⇔  s_i − s_max < log(min_p); renormalisation after top-k/top-p
            // cancels in the ratio, so the scores suffice.
            weights.muli(relative.gte((float) Math.log(params.minP()))); // [B, C]
        }

        NDArray cumulative = weights.cumSum(1); // [B, C], nondecreasing
        float[] inside = new float[uniforms.length];
        for (int r = 0; r < inside.length; r++) {
            inside[r] = (float) (uniforms[r] * INSIDE);
        }
        NDArray u = m.create(inside, new Shape(batch, 1)).mul(cumulative.get(":, -1:")); // [B, 1]
        // index of the first token whose cumulative weight exceeds u = number of entries ≤ u;
        // a token of weight 0 never is that first one.
        NDArray position = cumulative.lte(u).sum(new int[] {1}, true).toType(DataType.INT64, false); // [B, 1]
        NDArray ids = candidateIds == null ? position : candidateIds.gather(position, 1); // [B, 1]
        NDArray logProbs = shifted.gather(ids, 1).sub(logTotal).squeeze(1); // [B]
        return new Choice(ids.squeeze(1), logProbs);
    }

    /**
     * Candidates for top-p without top-k, sorted descending: a full sort of the vocabulary is slow, so
     * first try the best {@value #NUCLEUS_PREFIX} tokens. When they hold at least top_p of every row's
     * mass, every token top-p keeps is among them (the next one already has ≥ top_p before it), and
     * the result is exactly that of a full sort. Otherwise fall back to sorting everything.
     */
    private NDList nucleusCandidates(NDArray scores, NDArray scoresTotal, long vocab) {
        if (vocab > nucleusPrefix) {
            NDList top = scores.topK(nucleusPrefix, 1, true, true);
            // the first candidate is the row's best token, so this mass has the scale of scoresTotal
            NDArray prefixMass = top.get(0).sub(top.get(0).get(":, :1")).exp().sum(new int[] {1}, true); // [B, 1]
            if (prefixMass.gte(scoresTotal.mul((float) params.topP())).all().getBoolean()) {
                return top;
            }
        }
        return scores.topK(Math.toIntExact(vocab), 1, true, true);
    }

    /** {@code log_softmax(logits)} at {@code ids [B, 1]}, as {@code [B]}. */
    private static NDArray recordedLogProbs(NDArray logits, NDArray ids) {
        return logits.logSoftmax(1).gather(ids, 1).squeeze(1);
    }

    /**
     * CTRL / transformers repetition penalty: for tokens present in the row, a positive logit is
     * divided by {@code penalty}, a negative one multiplied by it.
     *
     * @param logits   {@code [B, V]}
     * @param presence {@code [B, V]} boolean
     */
    public static NDArray penalize(NDArray logits, NDArray presence, double penalty) {
        if (presence == null) {
            throw new IllegalArgumentException("repetition penalty needs the presence mask of the tokens so far");
        }
        float p = (float) penalty;
        NDArray positive = logits.gt(0f); // [B, V]
        NDArray penalised = NDArrays.where(positive, logits.div(p), logits.mul(p)); // [B, V]
        return NDArrays.where(presence, penalised, logits);
    }

    /** Boolean {@code [B, V]} mask of the tokens present in each row of {@code tokens}. */
    public static NDArray presence(NDManager manager, List<int[]> tokens, int vocab) {
        boolean[] mask = new boolean[tokens.size() * vocab];
        for (int r = 0; r < tokens.size(); r++) {
            for (int id : tokens.get(r)) {
                mask[r * vocab + id] = true;
            }
        }
        return manager.create(mask, new Shape(tokens.size(), vocab)); // [B, V]
    }
}
