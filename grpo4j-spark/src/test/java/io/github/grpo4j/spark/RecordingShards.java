package io.github.grpo4j.spark;

import java.util.ArrayList;
import java.util.List;

/** Shards that keep a copy of every summed gradient they return, for the tests to compare. */
final class RecordingShards implements Shards {
    final Shards inner;
    final List<GradientSum> sums;

    RecordingShards(Shards inner, List<GradientSum> sums) {
        this.inner = inner;
        this.sums = sums;
    }

    @Override
    public List<GroupRollout> generate(int step, Weights weights, List<GroupPrompt> groups) {
        return inner.generate(step, weights, groups);
    }

    @Override
    public GradientSum gradients(Weights weights, StepPlan plan) {
        GradientSum sum = inner.gradients(weights, plan);
        java.util.LinkedHashMap<String, float[]> copy = new java.util.LinkedHashMap<>();
        sum.gradients().forEach((k, v) -> copy.put(k, v.clone()));
        sums.add(new GradientSum(copy, sum.loss(), sum.klSum(), sum.clipLow(), sum.clipHigh(), sum.clipRegion(),
                sum.ratioSum(), sum.entropySum()));
        return sum;
    }

    @Override
    public void endStep() {
        inner.endStep();
    }

    @Override
    public void close() {
        inner.close();
    }
}
