package io.github.grpo4j.internal.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import io.github.grpo4j.internal.tensor.Scalars;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The worked example's policy (docs/algorithm.md §7): one categorical distribution over a fixed list of whole answers
 * ("Paris", "London", ...), parameterised by one logit per answer. Every completion is a single token,
 * the answer's index; prompts are ignored (the example asks one question).
 *
 * <p>Small enough to check every GRPO number by hand, yet trained through the same {@link Policy}
 * path as a transformer.
 */
public final class CategoricalPolicy implements Policy {

    private final List<String> answers;
    private final NDManager manager;
    private final NDArray logits; // [K]
    private final boolean withoutReplacement;

    private CategoricalPolicy(List<String> answers, float[] logits, boolean withoutReplacement, boolean trainable) {
        if (answers.size() != logits.length || answers.size() < 2) {
            throw new Grpo4jException("a categorical policy needs at least 2 answers and one logit per answer; got "
                    + answers.size() + " answers and " + logits.length + " logits");
        }
        this.answers = List.copyOf(answers);
        this.manager = NDManager.newBaseManager();
        this.logits = manager.create(logits);
        this.logits.setRequiresGradient(trainable);
        this.withoutReplacement = withoutReplacement;
    }

    /**
     * A policy whose probabilities (at temperature 1) are {@code probs}: logits = log(probs).
     *
     * @param withoutReplacement sample a group without repeats, as the worked example's
     *     {@code np.random.choice(..., replace=False)} does (docs/algorithm.md §8, pitfall 5: real completions are
     *     independent samples; this exists to reproduce the worked example)
     */
    public static CategoricalPolicy fromProbabilities(List<String> answers, double[] probs, boolean withoutReplacement) {
        float[] logits = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            if (!(probs[i] > 0 && probs[i] <= 1)) {
                throw new Grpo4jException("probability " + probs[i] + " of answer '" + answers.get(i)
                        + "' is outside (0, 1]");
            }
            logits[i] = (float) Math.log(probs[i]);
        }
        return new CategoricalPolicy(answers, logits, withoutReplacement, true);
    }

    public List<String> answers() {
        return answers;
    }

    /** Current probabilities at temperature 1. */
    public double[] probabilities() {
        return probabilities(1.0);
    }

    private double[] probabilities(double temperature) {
        float[] l = logits.toFloatArray();
        double max = Double.NEGATIVE_INFINITY;
        for (float x : l) {
            max = Math.max(max, x / temperature);
        }
        double[] p = new double[l.length];
        double sum = 0;
        for (int i = 0; i < l.length; i++) {
            p[i] = Math.exp(l[i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < l.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The answer text of a completion. */
    @Override
    public String decode(int[] completion) {
        return answers.get(completion[0]);
    }

    @Override
    public Completions generate(List<int[]> prompts, int numPerPrompt, SamplingParams params, long seed) {
        if (withoutReplacement && numPerPrompt > answers.size()) {
            throw new Grpo4jException("cannot sample " + numPerPrompt + " answers without replacement from "
                    + answers.size());
        }
        double temperature = params.greedy() ? 1.0 : params.temperature();
        double[] p = probabilities(temperature);
        Random rng = new Random(seed);
        int rows = prompts.size() * numPerPrompt;
        int[][] tokens = new int[rows][];
        float[][] logProbs = new float[rows][];
        int[] promptIndex = new int[rows];
        int r = 0;
        for (int q = 0; q < prompts.size(); q++) {
            double[] remaining = p.clone();
            for (int i = 0; i < numPerPrompt; i++, r++) {
                int k = params.greedy() ? argMax(p) : draw(remaining, rng);
                if (withoutReplacement) {
                    remaining[k] = 0;
                }
                tokens[r] = new int[] {k};
                logProbs[r] = new float[] {(float) Math.log(p[k])};
                promptIndex[r] = q;
            }
        }
        return new Completions(tokens, logProbs, new boolean[rows], promptIndex);
    }

    private static int draw(double[] weights, Random rng) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double u = rng.nextDouble() * total;
        for (int k = 0; k < weights.length; k++) {
            u -= weights[k];
            if (u < 0 && weights[k] > 0) {
                return k;
            }
        }
        for (int k = weights.length - 1; k >= 0; k--) {
            if (weights[k] > 0) {
                return k;
            }
        }
        throw new IllegalStateException("no answer left to draw");
    }

    private static int argMax(double[] p) {
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    @Override
    public TokenScores score(NDManager scope, List<int[]> prompts, List<int[]> completions, double temperature) {
        int b = completions.size();
        long[] idx = new long[b];
        for (int i = 0; i < b; i++) {
            idx[i] = completions.get(i)[0];
        }
        // Start from an array of the caller's scope so every result lands there, not in ours.
        NDArray rowLogits = scope.zeros(new Shape(b, answers.size())).add(logits); // [B, K]
        NDArray logSoftmax = Scalars.div(rowLogits, temperature).logSoftmax(1); // [B, K]
        NDArray index = OwnedArrays.of(scope, idx, new Shape(b, 1)); // [B, 1], saved by gather for backward
        NDArray logProbs = logSoftmax.gather(index, 1); // [B, 1]
        NDArray entropy = logSoftmax.exp().mul(logSoftmax).sum(new int[] {1}, true).neg(); // [B, 1]
        return new TokenScores(logProbs, entropy);
    }

    @Override
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> params = new LinkedHashMap<>();
        params.put("logits", logits);
        return params;
    }

    @Override
    public CategoricalPolicy copy() {
        return new CategoricalPolicy(answers, logits.toFloatArray(), withoutReplacement, false);
    }

    @Override
    public void mixFrom(Policy source, double alpha) {
        float[] mine = logits.toFloatArray();
        float[] theirs = source.parameters().get("logits").toFloatArray();
        for (int i = 0; i < mine.length; i++) {
            mine[i] = (float) (alpha * theirs[i] + (1 - alpha) * mine[i]);
        }
        logits.set(mine);
    }

    @Override
    public void save(Path directory) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("answers", answers);
        List<Double> l = new ArrayList<>();
        for (float x : logits.toFloatArray()) {
            l.add((double) x);
        }
        json.put("logits", l);
        try {
            Files.createDirectories(directory);
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(directory.resolve("categorical.json").toFile(), json);
        } catch (IOException e) {
            throw new Grpo4jException("cannot write categorical policy to " + directory + ": " + IoErrors.reason(e), e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }

}
