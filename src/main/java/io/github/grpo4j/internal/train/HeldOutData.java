package io.github.grpo4j.internal.train;

import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluation during training on the user's own held-out prompts ({@code data.eval_file}), scored by the
 * run's reward functions, greedy and sampled. Metrics, written to {@code metrics.jsonl}:
 *
 * <ul>
 *   <li>{@code eval/greedy/reward}, {@code eval/greedy/rewards/<fn>/mean}: mean total and per-function
 *       reward of the greedy completion of each prompt; {@code eval/greedy/pass@1}: share of prompts whose greedy completion
 *       passes (total reward ≥ {@code eval_pass_threshold});
 *   <li>{@code eval/sampled/reward}, {@code eval/sampled/rewards/<fn>/mean}: the same means over
 *       {@code num_generations_eval} sampled completions per prompt (the training sampling settings);
 *       {@code eval/sampled/pass@1} and {@code eval/sampled/pass@<n>}: the unbiased pass@k estimates
 *       (Chen et al. 2021) from those n samples;
 *   <li>with tools, completions are whole multi-turn episodes ({@code sampler}), and
 *       {@code eval/without_tools/greedy/reward} and {@code eval/without_tools/greedy/pass@1} are the greedy
 *       metrics of the same model answering alone in one turn (a tool call gets no result).
 * </ul>
 *
 * @param prompts the encoded held-out prompts
 * @param rewards the run's reward functions (owned by the run)
 * @param sampling the training sampling settings, used for the sampled evaluation
 * @param samples n, sampled completions per prompt
 * @param passThreshold a completion passes when its total reward is at least this
 * @param seed the run's seed (evaluation draws are the same at every evaluation)
 * @param episodes samples multi-turn episodes with tools, or null for single-turn completions
 */
record HeldOutData(List<Prompt> prompts, RewardSet rewards, SamplingParams sampling, int samples,
        double passThreshold, long seed, Evaluator.Sampler episodes) {

    /** Single-turn evaluation (no tools). */
    HeldOutData(List<Prompt> prompts, RewardSet rewards, SamplingParams sampling, int samples, double passThreshold,
            long seed) {
        this(prompts, rewards, sampling, samples, passThreshold, seed, null);
    }

    /** Evaluates {@code policy}: greedy, then sampled; the metrics named above. */
    Map<String, Double> evaluate(Policy policy) {
        Map<String, Double> m = new LinkedHashMap<>();
        SamplingParams greedy = new SamplingParams(0.0, 0, 1.0, 0.0, 1.0, sampling.maxNewTokens(), sampling.stopStrings());
        Evaluator.Sampler sampler = episodes != null ? episodes : Evaluator.alone(policy);
        Evaluator.Result g = Evaluator.evaluate(policy, sampler, prompts, rewards, greedy, 1, 1, passThreshold, seed);
        m.put("eval/greedy/reward", g.meanReward());
        g.rewardMeans().forEach((fn, v) -> m.put("eval/greedy/rewards/" + fn + "/mean", v));
        m.put("eval/greedy/pass@1", g.passAtK());
        Evaluator.Result s = Evaluator.evaluate(policy, sampler, prompts, rewards, sampling, samples, samples,
                passThreshold, seed);
        m.put("eval/sampled/reward", s.meanReward());
        s.rewardMeans().forEach((fn, v) -> m.put("eval/sampled/rewards/" + fn + "/mean", v));
        m.put("eval/sampled/pass@1", s.accuracy());
        if (samples > 1) {
            m.put("eval/sampled/pass@" + samples, s.passAtK());
        }
        if (episodes != null) {
            Evaluator.Result alone = Evaluator.evaluate(policy, prompts, rewards, greedy, 1, 1, passThreshold, seed);
            m.put("eval/without_tools/greedy/reward", alone.meanReward());
            m.put("eval/without_tools/greedy/pass@1", alone.passAtK());
        }
        return m;
    }
}
