package io.github.grpo4j.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.grpo4j.internal.tensor.Scalars;
import io.github.grpo4j.policy.Policy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Supervised fine-tuning: minimise the mean negative log-likelihood of target completions given their
 * prompts (token mean over the batch, as TRL's {@code SFTTrainer} with completion-only loss). Micro-batches
 * accumulate gradients normalised by the whole batch's token count, so the split does not change the update.
 * Tokens the model does not write (tool results, see {@link TargetMask}) get no loss and do not count.
 */
public final class SftTrainer implements AutoCloseable {

    /**
     * @param microBatchSize rows per forward/backward
     * @param schedule       learning rate per update
     * @param adam           AdamW hyper-parameters
     * @param maxGradNorm    global norm clip; 0 disables
     * @param mask           which target tokens carry loss
     */
    public record Options(int microBatchSize, LrSchedule schedule, AdamW.Options adam, double maxGradNorm,
            TargetMask mask) {
        /** Options that train every target token ({@link TargetMask#ALL}). */
        public Options(int microBatchSize, LrSchedule schedule, AdamW.Options adam, double maxGradNorm) {
            this(microBatchSize, schedule, adam, maxGradNorm, TargetMask.ALL);
        }
    }

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
     * @return metrics: {@code loss} (mean token NLL over the trained tokens), {@code grad_norm},
     *     {@code learning_rate}, {@code num_tokens} (trained target tokens in the batch)
     */
    public Map<String, Double> step(List<int[]> prompts, List<int[]> targets) {
        Map<String, NDArray> params = policy.parameters();
        Gradients.zero(params);
        List<boolean[]> masks = new ArrayList<>(targets.size());
        double tokens = 0;
        for (int[] t : targets) {
            boolean[] trained = options.mask().trained(t);
            masks.add(trained);
            tokens += trained == null ? t.length : count(trained);
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
                    NDArray weights = weights(mb, targets.subList(start, end), masks.subList(start, end));
                    if (weights != null) {
                        logp = logp.mul(weights);
                    }
                    NDArray nll = Scalars.div(logp.sum().neg(), Math.max(tokens, 1)); // this micro-batch's share
                    collector.backward(nll);
                    loss += nll.getFloat();
                }
            }
        }
        double norm = Gradients.clipByGlobalNorm(params, options.maxGradNorm());
        double lr = options.schedule().at((int) optimizer.step());
        optimizer.update(lr);
        Gradients.release(params); // their memory is free until the next backward
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("grad_norm", norm);
        m.put("learning_rate", lr);
        m.put("num_tokens", tokens);
        return m;
    }

    /** The [b, T] 0/1 loss weights of a micro-batch, T its longest target; null when every token is trained. */
    private static NDArray weights(NDManager manager, List<int[]> targets, List<boolean[]> masks) {
        if (masks.stream().allMatch(Objects::isNull)) {
            return null;
        }
        int longest = 0;
        for (int[] t : targets) {
            longest = Math.max(longest, t.length);
        }
        float[] w = new float[targets.size() * longest];
        for (int i = 0; i < targets.size(); i++) {
            boolean[] trained = masks.get(i);
            for (int j = 0; j < targets.get(i).length; j++) {
                w[i * longest + j] = trained == null || trained[j] ? 1f : 0f;
            }
        }
        return manager.create(w, new Shape(targets.size(), longest));
    }

    private static int count(boolean[] trained) {
        int n = 0;
        for (boolean b : trained) {
            n += b ? 1 : 0;
        }
        return n;
    }

    @Override
    public void close() {
        state.close();
    }
}
