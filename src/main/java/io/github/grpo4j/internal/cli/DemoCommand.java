package io.github.grpo4j.internal.cli;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.Sample;
import io.github.grpo4j.StepResult;
import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.LrSchedulerType;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import io.github.grpo4j.internal.OptionNames;
import io.github.grpo4j.internal.algo.AdvantageOptions;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.config.ConfigValidator;
import io.github.grpo4j.internal.policy.CategoricalPolicy;
import io.github.grpo4j.internal.reward.RewardSet;
import io.github.grpo4j.internal.train.AdamW;
import io.github.grpo4j.internal.train.GrpoStepTrainer;
import io.github.grpo4j.internal.train.LrSchedule;
import io.github.grpo4j.internal.train.Prompt;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.reward.RewardFunction;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The worked example's scenario (docs/algorithm.md §7) trained for real: a categorical policy over four answers to "What is the
 * capital of France?", updated by GRPO through the same trainer and DJL autograd as a transformer.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train the worked example's capital-of-France policy with GRPO until P(Paris) reaches the target.",
            "The policy is a categorical distribution over [Paris, London, Berlin, Madrid] (start probabilities",
            "0.4/0.2/0.2/0.2, reward 0.9 for Paris, 0.1 otherwise).",
            "Each step samples a group, computes group-relative advantages, and does --num-iterations Adam",
            "updates of the clipped surrogate with a k3 KL penalty to the initial policy."
        })
public final class DemoCommand implements Callable<Integer> {

    static final List<String> ANSWERS = List.of("Paris", "London", "Berlin", "Madrid");
    static final double[] START = {0.4, 0.2, 0.2, 0.2};

    @Spec
    CommandSpec spec;

    @Option(names = "--rewards", split = ",", description = "Reward of each answer Paris,London,Berlin,Madrid (default: ${DEFAULT-VALUE}).")
    double[] answerRewards = {0.9, 0.1, 0.1, 0.1};

    @Option(names = {"-G", "--num-generations"}, description = "Group size G: answers sampled per step (default: ${DEFAULT-VALUE}).")
    int numGenerations = 4;

    @Option(names = "--num-iterations", description = "Updates per sampled group (μ); 2 or more lets clipping act (default: ${DEFAULT-VALUE}).")
    int numIterations = 2;

    @Option(names = "--learning-rate", description = "Adam learning rate on the four logits (default: ${DEFAULT-VALUE}).")
    double learningRate = 0.05;

    @Option(names = "--beta", description = "KL penalty coefficient β against the initial policy (default: ${DEFAULT-VALUE}).")
    double beta = 0.04;

    @Option(names = "--epsilon", description = "Clip range ε: ratios are clipped to [1-ε, 1+ε] (default: ${DEFAULT-VALUE}).")
    double epsilon = 0.2;

    @Option(names = "--std", description = "Advantage std: population (as in the worked example) or sample (TRL, verl) (default: ${DEFAULT-VALUE}).")
    String std = "population";

    @Option(names = "--max-steps", description = "Give up after this many steps (default: ${DEFAULT-VALUE}).")
    int maxSteps = 100;

    @Option(names = "--target", description = "Stop once P(Paris) reaches this (default: ${DEFAULT-VALUE}).")
    double target = 0.9;

    @Option(names = "--seed", description = "Random seed; the same seed gives the same run (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--without-replacement", description = "Sample each group without repeats, as the worked example's np.random.choice(replace=False) does (default: ${DEFAULT-VALUE}).")
    boolean withoutReplacement;

    @Option(names = "--quiet", description = "Print only the final line (default: ${DEFAULT-VALUE}).")
    boolean quiet;

    /** Result of a demo run, for tests and library use. */
    public record Outcome(boolean reached, int steps, double[] probabilities) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Outcome o = run(out);
        out.printf(Locale.ROOT, o.reached()
                        ? "P(Paris) = %.3f >= %.2f after %d steps.%n"
                        : "P(Paris) = %.3f still below %.2f after %d steps.%n",
                o.probabilities()[0], target, o.steps());
        out.flush();
        return o.reached() ? 0 : 1;
    }

    /** Trains until P(Paris) ≥ target or max steps; prints a row per step unless quiet. */
    public Outcome run(PrintWriter out) {
        if (numGenerations < 2) {
            throw new Grpo4jException("--num-generations must be at least 2; got " + numGenerations);
        }
        if (numIterations < 1 || maxSteps < 1) {
            throw new Grpo4jException("--num-iterations and --max-steps must be at least 1");
        }
        var advantage = new AdvantageOptions(ScaleRewards.GROUP, OptionNames.parse(StdKind.class, "std", std), 0.0, AdvantageEstimator.GRPO);
        ConfigValidator.checkFlag(LossSection.class, "epsilon", "--epsilon", epsilon);
        ConfigValidator.checkFlag(LossSection.class, "beta", "--beta", beta);
        var loss = new LossOptions(epsilon, epsilon, 0.0, ImportanceSamplingLevel.TOKEN, beta, KlEstimator.K3, LossType.GRPO);
        var options = GrpoStepTrainer.Options.defaults()
                .toBuilder().batch(numGenerations, numGenerations, numIterations)
                .sampling(SamplingParams.defaults(1))
                .objective(advantage, loss)
                .optimizer(new LrSchedule(LrSchedulerType.CONSTANT, learningRate, 0, maxSteps),
                        new AdamW.Options(0.9, 0.999, 1e-8, 0.0), 0.0)
                .seed(seed).build();
        if (answerRewards.length != ANSWERS.size()) {
            throw new Grpo4jException("--rewards needs " + ANSWERS.size() + " values (one per answer " + ANSWERS
                    + "); got " + answerRewards.length);
        }

        Prompt question = new Prompt("What is the capital of France?", new int[0], Map.of());
        try (RewardSet reward = RewardSet.of(RewardFunction.of("capital",
                        (prompt, completion, row) -> answerRewards[ANSWERS.indexOf(completion)]));
                CategoricalPolicy policy = CategoricalPolicy.fromProbabilities(ANSWERS, START, withoutReplacement);
                GrpoStepTrainer trainer = new GrpoStepTrainer(policy, null, options, reward)) {
            if (!quiet) {
                out.println("step  P(Paris) P(London) P(Berlin) P(Madrid) | group (reward, advantage)"
                        + "                                  | ratio  clip   kl       loss");
            }
            double[] p = policy.probabilities();
            for (int step = 1; step <= maxSteps; step++) {
                StepResult r = trainer.step(step, List.of(question));
                p = policy.probabilities();
                if (!quiet) {
                    out.println(row(r, p));
                    out.flush();
                }
                if (p[0] >= target) {
                    return new Outcome(true, step, p);
                }
            }
            return new Outcome(false, maxSteps, p);
        }
    }

    private static String row(StepResult r, double[] p) {
        StringBuilder group = new StringBuilder();
        for (int i = 0; i < r.samples().size(); i++) {
            var s = r.samples().get(i);
            group.append(String.format(Locale.ROOT, "%s(%.1f,%+.2f) ", s.completion(), s.reward(), r.advantages()[i]));
        }
        Map<String, Double> m = r.metrics();
        return String.format(Locale.ROOT, "%4d  %.4f   %.4f    %.4f    %.4f    | %-58s | %.3f  %.3f  %.6f %+.4f",
                r.step(), p[0], p[1], p[2], p[3], group.toString().trim(),
                m.getOrDefault("ratio/mean", 1.0), m.get("clip_ratio/region_mean"), m.getOrDefault("kl", 0.0),
                m.get("loss"));
    }
}
