package io.github.grpo4j.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.internal.tensor.Scalars;
import io.github.grpo4j.policy.Policy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Supervised fine-tuning: minimise the mean negative log-likelihood of target completions given their
 * prompts (token mean over the batch, as TRL's {@code SFTTrainer} with completion-only loss). Micro-batches
 * accumulate gradients normalised by the whole batch's token count, so the split does not change the update.
 */
public final class SftTrainer implements AutoCloseable {

    /**
     * @param microBatchSize rows per forward/backward
     * @param schedule       learning rate per update
     * @param adam           AdamW hyper-parameters
     * @param maxGradNorm    global norm clip; 0 disables
     */
    public record Options(int microBatchSize, LrSchedule schedule, AdamW.Options adam, double maxGradNorm) {}

    private final Policy policy;
    private final Options options;
    private final TrainerState state;
    private final AdamW optimizer;

    public SftTrainer(Policy policy, Options options) {
        this.policy = policy;
        this.options = options;
        this.state = new TrainerState(policy.parameters(), options.adam());
        this.optimizer = state.optimizer();
    }

    public AdamW optimizer() {
        return optimizer;
    }

    /**
     * One update on a batch of (prompt, target completion) pairs.
     *
     * @return metrics: {@code loss} (mean token NLL), {@code grad_norm}, {@code learning_rate},
     *     {@code num_tokens} (target tokens in the batch)
     */
    public Map<String, Double> step(List<int[]> prompts, List<int[]> targets) {
        Map<String, NDArray> params = policy.parameters();
        Gradients.zero(params);
        double tokens = 0;
        for (int[] t : targets) {
            tokens += t.length;
        }
        double loss = 0;
        int size = Math.max(1, options.microBatchSize());
        try (NDManager scope = state.manager().newSubManager()) {
            for (int start = 0; start < prompts.size(); start += size) {
                int end = Math.min(prompts.size(), start + size);
                try (NDManager mb = scope.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray logp = policy.score(mb, prompts.subList(start, end), targets.subList(start, end), 1.0)
                            .logProbs(); // [b, T], zero past each target's end
                    NDArray nll = Scalars.div(logp.sum().neg(), Math.max(tokens, 1)); // this micro-batch's share
                    collector.backward(nll);
                    loss += nll.getFloat();
                }
            }
        }
        double norm = Gradients.clipByGlobalNorm(params, options.maxGradNorm());
        double lr = options.schedule().at((int) optimizer.step());
        optimizer.update(lr);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("grad_norm", norm);
        m.put("learning_rate", lr);
        m.put("num_tokens", tokens);
        return m;
    }

    @Override
    public void close() {
        state.close();
    }
}
