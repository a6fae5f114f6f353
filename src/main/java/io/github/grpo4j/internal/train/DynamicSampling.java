package io.github.grpo4j.internal.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * DAPO's dynamic sampling (verl {@code algorithm.filter_groups}): groups whose rewards are all equal carry no
 * signal and are dropped, and generation continues with new prompts until enough groups with signal are
 * collected (the excess cut off, as verl does) or the generation budget is spent. Switched off, it is one
 * generation batch, kept whole.
 */
public final class DynamicSampling {
    private DynamicSampling() {}

    /**
     * The settings.
     *
     * @param enabled              drop groups without signal and generate more ({@code training.dynamic_sampling})
     * @param maxGenerationBatches generation batches per step at most, 0 for no limit
     *                             ({@code training.max_generation_batches}, verl's {@code max_num_gen_batches})
     */
    public record Options(boolean enabled, int maxGenerationBatches) {
        /** One generation batch per step, every group kept. */
        public static final Options OFF = new Options(false, 0);
    }

    /**
     * What the generation batches of one step (or round of steps) produced.
     *
     * @param kept              the groups trained on, in the order generated: at most the target, all of the one
     *                          batch when dynamic sampling is off; scored, before advantages
     * @param lastGenerated     the last generation batch whole (what to report when nothing was kept)
     * @param generationBatches how many generation batches were drawn
     * @param groupsGenerated   groups generated over all batches
     * @param groupsWithSignal  of those, groups whose rewards were not all equal (−1 when not resampling)
     * @param tokens            prompt + completion tokens of every generated row
     * @param completionTokens  completion tokens of every generated row
     */
    record Result(Rollouts kept, Rollouts lastGenerated, int generationBatches, int groupsGenerated,
            int groupsWithSignal, long tokens, long completionTokens) {

        /** Metrics with verl's meaning (its {@code train/num_gen_batches} is {@code generation_batches}). */
        void putMetrics(Map<String, Double> metrics) {
            metrics.put("dynamic_sampling/generation_batches", (double) generationBatches);
            metrics.put("dynamic_sampling/groups_generated", (double) groupsGenerated);
            metrics.put("dynamic_sampling/groups_with_signal", (double) groupsWithSignal);
            metrics.put("dynamic_sampling/groups_kept", (double) kept.groupCount());
        }
    }

    /**
     * Generates batches until as many groups with signal are collected as one batch has, or until
     * {@code maxGenerationBatches} batches were drawn (0: no limit, verl's default).
     *
     * @param options  whether to resample, and the budget
     * @param generate generation batch {@code b} (0-based): new prompts, sampled and scored
     * @param noSignal per row of a scored batch: true when its group's rewards are all equal
     */
    static Result collect(Options options, IntFunction<Rollouts> generate, Function<Rollouts, boolean[]> noSignal) {
        boolean enabled = options.enabled();
        int maxBatches = options.maxGenerationBatches();
        int targetGroups = -1;
        List<Rollouts> kept = new ArrayList<>();
        int batches = 0, generated = 0, withSignal = 0;
        long tokens = 0, completionTokens = 0;
        Rollouts last;
        while (true) {
            last = generate.apply(batches++);
            if (targetGroups < 0) {
                targetGroups = last.groupCount();
            }
            generated += last.groupCount();
            tokens += last.tokens();
            completionTokens += last.completionTokens();
            if (!enabled) {
                return new Result(last, last, 1, generated, -1, tokens, completionTokens);
            }
            boolean[] none = noSignal.apply(last);
            int[] rows = IntStream.range(0, last.size()).filter(r -> !none[r]).toArray();
            Rollouts signal = last.rows(rows);
            withSignal += signal.groupCount();
            kept.add(signal);
            if (withSignal >= targetGroups || (maxBatches > 0 && batches >= maxBatches)) {
                break;
            }
        }
        Rollouts all = Rollouts.concat(kept);
        if (all.groupCount() > targetGroups) { // cut the excess groups, as verl does
            int[] groups = all.groups();
            int target = targetGroups;
            all = all.rows(IntStream.range(0, all.size()).filter(r -> groups[r] < target).toArray());
        }
        return new Result(all, last, batches, generated, withSignal, tokens, completionTokens);
    }
}
