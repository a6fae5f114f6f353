package io.github.grpo4j.internal.train;

import io.github.grpo4j.internal.reward.RewardResult;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.reward.RewardInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a policy on prompts without training: mean reward and pass@k (Chen et al. 2021's unbiased
 * estimator over n samples per prompt).
 */
public final class Evaluator {
    private Evaluator() {}

    /**
     * @param meanReward   mean weighted reward over all completions
     * @param passAtK      fraction of prompts solved within k tries, estimated from n samples
     * @param accuracy     fraction of completions whose reward reaches the threshold (pass@1 for n = 1)
     * @param prompts      number of prompts scored
     * @param samples      completions per prompt (n)
     * @param rewardMeans  per reward function, in the reward set's order: mean of its applicable (non-null)
     *                     raw scores over all completions, NaN when it applied to none
     */
    public record Result(double meanReward, double passAtK, double accuracy, int prompts, int samples,
            Map<String, Double> rewardMeans) {
        /** A result without per-function means. */
        public Result(double meanReward, double passAtK, double accuracy, int prompts, int samples) {
            this(meanReward, passAtK, accuracy, prompts, samples, Map.of());
        }

        /** Copies the map (keeping its order). */
        public Result {
            rewardMeans = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rewardMeans));
        }
    }

    /** Prompts at most this many at a time through generation, to bound memory. */
    static final int CHUNK = 64;

    /**
     * Samples {@code n} completions per prompt and scores them.
     *
     * @param threshold a completion counts as correct when its total reward is ≥ this
     */
    public static Result evaluate(Policy policy, List<Prompt> prompts, RewardSet rewards, SamplingParams sampling,
            int n, int k, double threshold, long seed) {
        return evaluate(policy, alone(policy), prompts, rewards, sampling, n, k, threshold, seed);
    }

    /**
     * Sampled completions and, for multi-turn episodes, the fields each adds to its prompt's row for the
     * reward functions ({@code conversation}, {@code environment_reward}), as in training.
     *
     * @param completions the completions, {@code n} consecutive per prompt
     * @param rowFields   per completion, the fields added to its row; null when there are none
     */
    public record Sampled(Completions completions, List<Map<String, Object>> rowFields) {
        /** {@return single-turn completions, which add no row fields} */
        public static Sampled of(Completions completions) {
            return new Sampled(completions, null);
        }

        /** {@return multi-turn episodes with their conversations (and environment rewards)} */
        public static Sampled of(io.github.grpo4j.internal.agent.Episodes episodes) {
            return new Sampled(episodes.completions(), Rollouts.episodeFields(episodes));
        }

        Map<String, Object> row(int r, Map<String, Object> promptRow) {
            return rowFields == null ? promptRow : Rollouts.withFields(promptRow, rowFields.get(r));
        }
    }

    /** How completions are sampled: a policy's own {@code generate}, or multi-turn episodes with tools. */
    @FunctionalInterface
    public interface Sampler {
        /**
         * @param prompts prompt token ids
         * @param rows    each prompt's dataset row (an environment is reset with it)
         * @param n       completions per prompt
         * @param params  sampling parameters
         * @param seed    seeds the sampling
         * @return {@code n} completions per prompt, consecutive, with the row fields they add
         */
        Sampled generate(List<int[]> prompts, List<Map<String, Object>> rows, int n, SamplingParams params,
                long seed);
    }

    /** {@return the sampler of {@code policy} answering alone, in one turn} */
    public static Sampler alone(Policy policy) {
        return (prompts, rows, n, params, seed) -> Sampled.of(policy.generate(prompts, n, params, seed));
    }

    /**
     * As {@link #evaluate(Policy, List, RewardSet, SamplingParams, int, int, double, long)}, sampling with
     * {@code sampler}; {@code policy} decodes.
     */
    public static Result evaluate(Policy policy, Sampler sampler, List<Prompt> prompts, RewardSet rewards,
            SamplingParams sampling, int n, int k, double threshold, long seed) {
        double rewardSum = 0;
        double passSum = 0;
        int correctTotal = 0;
        int count = 0;
        List<String> names = rewards.names();
        double[] fnSum = new double[names.size()];
        int[] fnCount = new int[names.size()];
        for (int start = 0; start < prompts.size(); start += CHUNK) {
            List<Prompt> chunk = prompts.subList(start, Math.min(prompts.size(), start + CHUNK));
            List<int[]> ids = new ArrayList<>(chunk.size());
            List<Map<String, Object>> rows = new ArrayList<>(chunk.size());
            for (Prompt p : chunk) {
                ids.add(p.ids());
                rows.add(p.row());
            }
            Sampled sampled = sampler.generate(ids, rows, n, sampling, Seeds.of(seed, start, Seeds.EVAL));
            Completions c = sampled.completions();
            List<RewardInput> inputs = new ArrayList<>(c.size());
            for (int r = 0; r < c.size(); r++) {
                Prompt p = chunk.get(c.promptIndex()[r]);
                inputs.add(new RewardInput(p.text(), policy.decode(c.tokens()[r]), sampled.row(r, p.row()), c.sampledCount(r),
                        c.truncated()[r]));
            }
            RewardResult scored = rewards.score(inputs);
            for (int f = 0; f < names.size(); f++) {
                for (double v : scored.perFunction()[f]) {
                    if (!Double.isNaN(v)) {
                        fnSum[f] += v;
                        fnCount[f]++;
                    }
                }
            }
            int[] correct = new int[chunk.size()];
            for (int r = 0; r < c.size(); r++) {
                double total = scored.total()[r];
                rewardSum += total;
                count++;
                if (total >= threshold) {
                    correct[c.promptIndex()[r]]++;
                    correctTotal++;
                }
            }
            for (int c2 : correct) {
                passSum += passAtK(n, c2, k);
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        for (int f = 0; f < names.size(); f++) {
            means.put(names.get(f), fnCount[f] == 0 ? Double.NaN : fnSum[f] / fnCount[f]);
        }
        return new Result(rewardSum / count, passSum / prompts.size(), (double) correctTotal / count, prompts.size(), n,
                means);
    }

    /** Unbiased pass@k from n samples of which c are correct: 1 − C(n−c, k) / C(n, k). */
    public static double passAtK(int n, int c, int k) {
        if (k > n) {
            throw new IllegalArgumentException("k (" + k + ") cannot exceed the samples per prompt n (" + n + ")");
        }
        if (n - c < k) {
            return 1.0;
        }
        double prod = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            prod *= 1.0 - (double) k / i;
        }
        return 1.0 - prod;
    }
}
