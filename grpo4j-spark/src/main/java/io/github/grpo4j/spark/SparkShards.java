package io.github.grpo4j.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * A step's prompt groups on a Spark cluster. The first pass is an RDD of the groups mapped to their rollouts
 * and persisted on the executors; every update broadcasts the weights and the plan and sums the partitions'
 * gradients with {@code treeAggregate}. A lost executor's partitions are recomputed from the lineage: the
 * same broadcast weights and per-group seeds give the same rollouts, so a retry changes no number.
 */
final class SparkShards implements Shards {
    private final JavaSparkContext sc;
    private final boolean ownsContext;
    private final Broadcast<String> config;
    private final Broadcast<Weights> reference;
    private final List<Broadcast<?>> stepBroadcasts = new ArrayList<>();
    private JavaRDD<GroupRollout> rollouts;

    SparkShards(JavaSparkContext sc, boolean ownsContext, String configYaml, Weights reference) {
        this.sc = sc;
        this.ownsContext = ownsContext;
        this.config = sc.broadcast(configYaml);
        this.reference = reference == null ? null : sc.broadcast(reference);
    }

    /** The context this runs on. */
    JavaSparkContext context() {
        return sc;
    }

    @Override
    public List<GroupRollout> generate(int step, Weights weights, List<GroupPrompt> groups) {
        Broadcast<Weights> w = sc.broadcast(weights);
        stepBroadcasts.add(w);
        Broadcast<String> cfg = config;
        Broadcast<Weights> ref = reference;
        int slices = Math.max(1, Math.min(groups.size(), sc.defaultParallelism()));
        rollouts = sc.parallelize(groups, slices).mapPartitions((Iterator<GroupPrompt> it) -> {
            List<GroupPrompt> mine = new ArrayList<>();
            it.forEachRemaining(mine::add);
            if (mine.isEmpty()) {
                return List.<GroupRollout>of().iterator();
            }
            return ExecutorModel.with(cfg.value(), ref == null ? null : ref.value(), w.value(),
                    m -> ShardWork.generate(m, step, mine)).iterator();
        }).persist(StorageLevel.MEMORY_ONLY());
        List<GroupRollout> out = new ArrayList<>(rollouts.collect());
        out.sort(Comparator.comparingInt(GroupRollout::group));
        return out;
    }

    @Override
    public GradientSum gradients(Weights weights, StepPlan plan) {
        Broadcast<Weights> w = sc.broadcast(weights);
        Broadcast<StepPlan> p = sc.broadcast(plan);
        stepBroadcasts.add(w);
        stepBroadcasts.add(p);
        Broadcast<String> cfg = config;
        Broadcast<Weights> ref = reference;
        return rollouts.mapPartitions((Iterator<GroupRollout> it) -> {
            List<GroupRollout> mine = new ArrayList<>();
            it.forEachRemaining(mine::add);
            if (mine.isEmpty()) {
                return List.<GradientSum>of(GradientSum.empty()).iterator();
            }
            ExecutorLoss.maybeHalt(p.value());
            GradientSum sum = ExecutorModel.with(cfg.value(), ref == null ? null : ref.value(), w.value(),
                    m -> ShardWork.gradients(m, mine, p.value()));
            return List.<GradientSum>of(sum).iterator();
        }).treeAggregate(GradientSum.empty(), GradientSum::add, GradientSum::add);
    }

    @Override
    public void endStep() {
        if (rollouts != null) {
            rollouts.unpersist(false);
            rollouts = null;
        }
        stepBroadcasts.forEach(b -> b.destroy());
        stepBroadcasts.clear();
    }

    @Override
    public void close() {
        endStep();
        if (ownsContext) {
            sc.stop();
        }
    }
}
