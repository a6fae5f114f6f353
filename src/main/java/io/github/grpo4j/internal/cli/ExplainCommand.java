package io.github.grpo4j.internal.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.AdvantageEstimator;
import io.github.grpo4j.config.ImportanceSamplingLevel;
import io.github.grpo4j.config.KlEstimator;
import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.ScaleRewards;
import io.github.grpo4j.config.StdKind;
import io.github.grpo4j.internal.OptionNames;
import io.github.grpo4j.internal.algo.AdvantageOptions;
import io.github.grpo4j.internal.algo.Advantages;
import io.github.grpo4j.internal.algo.BatchTotals;
import io.github.grpo4j.internal.algo.LossOptions;
import io.github.grpo4j.internal.algo.ReferenceMath;
import io.github.grpo4j.internal.config.ConfigValidator;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code grpo4j explain}: one GRPO update on one group, step by step, the way the capital-of-France worked example does
 * it, with every number computed by {@link ReferenceMath} (the double-precision twin of the trainer's
 * tensor code) and a note wherever the worked example's usual write-up got a formula wrong (docs/algorithm.md §8).
 *
 * <p>The policy is categorical over the listed outputs, so each output is one sequence of one token and
 * π(o_i) is a probability: ρ_i = π_θ(o_i)/π_old(o_i), and the per-output numbers are the per-token ones.
 */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Walk through one GRPO update on one group of outputs, step by step, printing every quantity"
                    + " with its meaning (the worked example by default).",
            "Where the capital-of-France worked example got a formula wrong, a note says what it wrote and what is right."
        })
public final class ExplainCommand implements Callable<Integer> {
    private static final double SUM_TOLERANCE = 1e-6;

    @Option(names = "--outputs", paramLabel = "LIST", defaultValue = "Paris,London,Berlin,Madrid",
            description = "Comma-separated outputs o_1..o_G of one group, sampled from pi_old for one prompt"
                    + " (default: ${DEFAULT-VALUE}).")
    String outputs;

    @Option(names = "--rewards", paramLabel = "LIST", defaultValue = "0.9,0.1,0.1,0.1",
            description = "Reward R_i of each output (default: ${DEFAULT-VALUE}).")
    String rewards;

    @Option(names = "--new-probs", paramLabel = "LIST", defaultValue = "0.5,0.2,0.15,0.15",
            description = "pi_theta(o_i|q): probabilities of the outputs under the policy being updated;"
                    + " in (0, 1], summing to 1 (default: ${DEFAULT-VALUE}).")
    String newProbs;

    @Option(names = "--old-probs", paramLabel = "LIST", defaultValue = "0.4,0.2,0.2,0.2",
            description = "pi_old(o_i|q): probabilities under the policy that sampled the group"
                    + " (default: ${DEFAULT-VALUE}).")
    String oldProbs;

    @Option(names = "--ref-probs", paramLabel = "LIST",
            description = "pi_ref(o_i|q): probabilities under the frozen reference policy of the KL penalty"
                    + " (default: the --old-probs values, as in the worked example).")
    String refProbs;

    @Option(names = "--epsilon", paramLabel = "EPS", defaultValue = "0.2",
            description = "Clip range epsilon_low: ratios below 1 - epsilon are clipped (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--epsilon-high", paramLabel = "EPS",
            description = "Upper clip range epsilon_high: ratios above 1 + epsilon_high are clipped;"
                    + " DAPO uses 0.28 (default: same as --epsilon).")
    Double epsilonHigh;

    @Option(names = "--beta", paramLabel = "BETA", defaultValue = "0.04",
            description = "Weight beta of the KL penalty (default: ${DEFAULT-VALUE}, DeepSeekMath).")
    double beta;

    @Option(names = "--std", paramLabel = "KIND", defaultValue = "population",
            description = "Std of the advantage normalisation: population (np.std, as the worked example) or sample"
                    + " (TRL, verl) (default: ${DEFAULT-VALUE}).")
    String std;

    @Option(names = "--std-eps", paramLabel = "EPS", defaultValue = "0",
            description = "0: a std of 0 becomes 1 (as in the worked example); > 0: divide by std + std_eps (TRL 1e-4)"
                    + " (default: ${DEFAULT-VALUE}).")
    double stdEps;

    @Option(names = "--scale-rewards", paramLabel = "HOW", defaultValue = "group",
            description = "Divide centred rewards by the group std (group), the batch std (batch; one group"
                    + " here, so the same) or not at all (none, Dr. GRPO) (default: ${DEFAULT-VALUE}).")
    String scaleRewards;

    @Option(names = "--kl-estimator", paramLabel = "K", defaultValue = "k3",
            description = "Per-token KL estimator: k1, k2 or k3 (DeepSeekMath) (default: ${DEFAULT-VALUE}).")
    String klEstimator;

    @Option(names = "--loss-type", paramLabel = "TYPE", defaultValue = "grpo",
            description = "Loss aggregation: grpo, bnpo, dapo or dr_grpo; all equal here, as every output is"
                    + " one token (default: ${DEFAULT-VALUE}).")
    String lossType;

    @Option(names = "--json", defaultValue = "false",
            description = "Print the numbers as JSON instead of the walkthrough (default: ${DEFAULT-VALUE}).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Walkthrough w = compute();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(w));
        } else {
            print(w, out);
        }
        out.flush();
        return 0;
    }

    // ------------------------------------------------------------------ the numbers

    /** Every number the walkthrough shows, computed by the double twin. */
    record Walkthrough(
            List<String> outputs,
            double[] rewards,
            double[] pNew,
            double[] pOld,
            double[] pRef,
            AdvantageOptions advantageOptions,
            LossOptions lossOptions,
            double meanReward,
            double scale,
            double[] rawAdvantages,
            double[] advantages,
            double[] advantagesPopulation,
            double[] advantagesSample,
            double[] ratios,
            double[] clippedRatios,
            double[] surrogate,
            double[] seedSurrogate,
            double surrogateMean,
            double[] k3,
            double[] kl,
            double klExact,
            double klExpectedK3,
            double klOldNew,
            double seedPrintedGrpoKl,
            double[] perOutputObjective,
            double objective,
            double seedStyleObjective) {}

    Walkthrough compute() {
        List<String> names = Arrays.stream(outputs.split(",", -1)).map(String::trim).collect(Collectors.toList());
        int g = names.size();
        if (g < 2 || names.stream().anyMatch(String::isEmpty)) {
            throw new Grpo4jException("--outputs must list at least 2 non-empty outputs (a group of one has"
                    + " nothing to compare with), got '" + outputs + "'");
        }
        double[] r = numbers("--rewards", rewards, g);
        double[] pNew = probabilities("--new-probs", newProbs, g);
        double[] pOld = probabilities("--old-probs", oldProbs, g);
        double[] pRef = refProbs == null ? pOld.clone() : probabilities("--ref-probs", refProbs, g);
        ConfigValidator.checkFlag(LossSection.class, "epsilon", "--epsilon", epsilon);
        if (epsilonHigh != null) {
            ConfigValidator.checkFlag(LossSection.class, "epsilonHigh", "--epsilon-high", epsilonHigh);
        }
        ConfigValidator.checkFlag(LossSection.class, "beta", "--beta", beta);
        ConfigValidator.checkFlag(LossSection.class, "stdEps", "--std-eps", stdEps);
        AdvantageOptions ao = new AdvantageOptions(OptionNames.parse(ScaleRewards.class, "scale_rewards", scaleRewards),
                OptionNames.parse(StdKind.class, "std", std), stdEps,
                AdvantageEstimator.GRPO);
        LossOptions lo = new LossOptions(epsilon, epsilonHigh == null ? epsilon : epsilonHigh, 0,
                ImportanceSamplingLevel.TOKEN, beta, OptionNames.parse(KlEstimator.class, "kl_estimator", klEstimator),
                OptionNames.parse(LossType.class, "loss_type", lossType));
        if (lo.lossType() == LossType.CISPO) {
            throw new Grpo4jException("--loss-type cispo: explain walks through the clipped surrogate; valid: grpo, "
                    + "bnpo, dapo, dr_grpo (docs/configuration.md describes cispo)");
        }

        int[] group = new int[g]; // one group: every output answers the same prompt
        double mean = ReferenceMath.mean(r);
        double s = switch (ao.scaleRewards()) {
            case GROUP, BATCH -> ReferenceMath.std(r, ao.std());
            case NONE -> 1.0;
        };
        double[] raw = Advantages.rawAdvantages(r, group);
        double[] adv = Advantages.advantages(r, group, ao);
        double[] advPop = Advantages.advantages(r, group,
                new AdvantageOptions(ScaleRewards.GROUP, StdKind.POPULATION, stdEps, AdvantageEstimator.GRPO));
        double[] advSample = Advantages.advantages(r, group,
                new AdvantageOptions(ScaleRewards.GROUP, StdKind.SAMPLE, stdEps, AdvantageEstimator.GRPO));

        double[] rho = new double[g];
        double[] clipped = new double[g];
        double[] l = new double[g];
        double[] seedL = new double[g];
        double[] k3 = new double[g];
        double[] kl = new double[g];
        double[] perOutput = new double[g];
        double[][] tokenLoss = new double[g][1];
        double[][] mask = new double[g][1];
        double seedGrpoKl = 0;
        for (int i = 0; i < g; i++) {
            rho[i] = pNew[i] / pOld[i]; // categorical policy: the ratio of probabilities itself
            clipped[i] = ReferenceMath.clip(rho[i], lo.epsilonLow(), lo.epsilonHigh());
            l[i] = ReferenceMath.surrogate(rho[i], adv[i], lo.epsilonLow(), lo.epsilonHigh(), lo.dualClip());
            seedL[i] = Math.min(clipped[i] * adv[i], clipped[i] * adv[i]);
            k3[i] = ReferenceMath.kl(KlEstimator.K3, Math.log(pNew[i]), Math.log(pRef[i]));
            kl[i] = ReferenceMath.kl(lo.kl(), Math.log(pNew[i]), Math.log(pRef[i]));
            perOutput[i] = l[i] - lo.beta() * kl[i];
            tokenLoss[i][0] = ReferenceMath.tokenLoss(l[i], kl[i], lo.beta());
            mask[i][0] = 1;
            double q = pNew[i] / pOld[i];
            seedGrpoKl += q - Math.log(q) - 1;
        }
        double weighted = 0;
        for (int i = 0; i < g; i++) {
            weighted += pNew[i] * k3[i];
        }
        double objective = -ReferenceMath.aggregate(tokenLoss, mask, lo.lossType(), new BatchTotals(g, g, 1));
        double seedStyle = ReferenceMath.mean(l) - lo.beta() * Arrays.stream(kl).sum();
        return new Walkthrough(names, r, pNew, pOld, pRef, ao, lo, mean, s, raw, adv, advPop, advSample, rho,
                clipped, l, seedL, ReferenceMath.mean(l), k3, kl, ReferenceMath.exactKl(pNew, pRef), weighted,
                ReferenceMath.exactKl(pOld, pNew), seedGrpoKl, perOutput, objective, seedStyle);
    }

    private static double[] numbers(String option, String text, int expected) {
        String[] parts = text.split(",", -1);
        if (parts.length != expected) {
            throw new Grpo4jException(option + " has " + parts.length + " values but --outputs has " + expected
                    + "; give one value per output, comma-separated");
        }
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new Grpo4jException(option + ": value " + (i + 1) + " '" + parts[i].trim()
                        + "' is not a number");
            }
            if (!Double.isFinite(v[i])) {
                throw new Grpo4jException(option + ": value " + (i + 1) + " must be finite, got " + parts[i].trim());
            }
        }
        return v;
    }

    private static double[] probabilities(String option, String text, int expected) {
        double[] p = numbers(option, text, expected);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] > 0 && p[i] <= 1)) {
                throw new Grpo4jException(option + ": value " + (i + 1) + " is " + p[i]
                        + ", a probability must be in (0, 1]");
            }
            sum += p[i];
        }
        if (Math.abs(sum - 1) > SUM_TOLERANCE) {
            throw new Grpo4jException(option + " sums to " + sum + ", not 1 (within " + SUM_TOLERANCE
                    + "): give the policy's probabilities of all the listed outputs");
        }
        return p;
    }

    // ------------------------------------------------------------------ text

    private static void print(Walkthrough w, PrintWriter out) {
        AdvantageOptions ao = w.advantageOptions();
        LossOptions lo = w.lossOptions();
        int g = w.outputs().size();
        out.println("One GRPO update on one group, step by step (docs/algorithm.md; numbers in double precision).");
        out.printf("options: epsilon %s, epsilon_high %s, beta %s, std %s, std_eps %s, scale_rewards %s,"
                        + " kl_estimator %s, loss_type %s%n",
                num(lo.epsilonLow()), num(lo.epsilonHigh()), num(lo.beta()), ao.std().configName(), num(ao.stdEps()),
                ao.scaleRewards().configName(), lo.kl().configName(), lo.lossType().configName());

        step(out, 1, "The group: G outputs sampled from pi_old for one prompt q, each with its reward");
        value(out, "outputs o_i", w.outputs().toString(), "G = " + g + " completions of the same prompt");
        value(out, "rewards R_i", list(w.rewards()), "score of each output from the reward function(s)");
        value(out, "pi_theta(o_i|q)", list(w.pNew()), "probability under the policy being updated");
        value(out, "pi_old(o_i|q)", list(w.pOld()), "probability under the policy that sampled the group");
        value(out, "pi_ref(o_i|q)", list(w.pRef()), "probability under the frozen reference policy");
        note(out, 5, "the usual write-up samples with replace=False; an LLM's completions are independent samples"
                + " (with replacement), so two outputs of a group can be equal.");

        step(out, 2, "Advantages: how much better each output is than the rest of its group");
        value(out, "mean(R)", num(w.meanReward()), "average reward of the group, the baseline");
        value(out, "raw advantages", list(w.rawAdvantages()), "R_i - mean(R): above (+) or below (-) the baseline");
        String sName = switch (ao.scaleRewards()) {
            case GROUP -> "std(R) (" + ao.std().configName() + ")";
            case BATCH -> "batch std (" + ao.std().configName() + ")";
            case NONE -> "scale (none)";
        };
        value(out, sName, num(w.scale()), ao.scaleRewards() == ScaleRewards.NONE
                ? "no scaling (Dr. GRPO): advantages stay in reward units"
                : "spread of the rewards; divides the raw advantages (0 becomes 1"
                        + (ao.stdEps() > 0 ? "; here std + std_eps is used" : "") + ")");
        value(out, "advantages A_i", list(w.advantages()), ao.scaleRewards() == ScaleRewards.NONE
                ? "A_i = R_i - mean(R)"
                : "A_i = (R_i - mean(R)) / std: mean 0, std 1 over the group; every token of o_i gets A_i");
        note(out, 6, "the usual write-up normalises with the population std (np.std); TRL and verl use the sample std"
                + " (n - 1). Here population gives A_1 = " + num(w.advantagesPopulation()[0]) + ", sample gives"
                + " A_1 = " + num(w.advantagesSample()[0]) + " (choose with --std).");

        step(out, 3, "Importance sampling ratio: how much more likely each output is now than when sampled");
        value(out, "ratios rho_i", list(w.ratios()), "pi_theta(o_i|q) / pi_old(o_i|q): > 1 more likely now, < 1 less");

        step(out, 4, "Clipping: keep the update close to pi_old");
        value(out, "clipped ratios", list(w.clippedRatios()), "clip(rho_i, 1 - epsilon, 1 + epsilon_high) = clip(rho_i, "
                + num(1 - lo.epsilonLow()) + ", " + num(1 + lo.epsilonHigh()) + ")");

        step(out, 5, "Clipped surrogate objective per output");
        value(out, "surrogate L_i", list(w.surrogate()),
                "min(rho_i A_i, clip(rho_i) A_i): the pessimistic of the two, so clipping only removes incentive");
        value(out, "mean(L)", num(w.surrogateMean()), "average surrogate over the group (before the KL penalty)");
        boolean same = Arrays.equals(w.surrogate(), w.seedSurrogate());
        note(out, 1, "the write-up's code computes min(r*A, r*A) with the clipped ratio r on both sides; the"
                + " objective is min(rho*A, clip(rho)*A). "
                + (same ? "On these numbers both give the same values, by luck."
                        : "Here they differ: the write-up's code gives " + list(w.seedSurrogate()) + "."));

        step(out, 6, "KL penalty: how far pi_theta has moved from pi_ref, per output");
        value(out, "k3 per output", list(w.k3()),
                "pi_ref/pi_theta - log(pi_ref/pi_theta) - 1 (DeepSeekMath): >= 0, an unbiased per-token estimate");
        if (lo.kl() != KlEstimator.K3) {
            value(out, lo.kl().configName() + " per output", list(w.kl()), lo.kl() == KlEstimator.K1
                    ? "log(pi_theta/pi_ref): unbiased, can be negative (the chosen estimator)"
                    : "(log(pi_ref/pi_theta))^2 / 2: biased, low variance (the chosen estimator)");
        }
        value(out, "sum of k3", num(Arrays.stream(w.k3()).sum()), "k3 summed over the group: what the write-up's 'GRPO KL' cell computes (there pi_ref = pi_old)");
        value(out, "KL(pi_theta||pi_ref)", num(w.klExact()),
                "exact KL = sum over outputs of pi_theta log(pi_theta/pi_ref), for comparison");
        value(out, "sum pi_theta * k3", num(w.klExpectedK3()),
                "k3's expectation under pi_theta: equals the exact KL (k3 is unbiased)");
        value(out, "KL(pi_old||pi_theta)", num(w.klOldNew()),
                "the write-up's first KL cell: the other direction and other policies; not what GRPO penalises");
        note(out, 3, "the usual write-up writes the GRPO KL as pi_theta/pi_ref - log(pi_theta/pi_ref) - 1; DeepSeekMath's is"
                + " pi_ref/pi_theta - log(pi_ref/pi_theta) - 1, a per-token estimate, not a sum over the group.");
        note(out, 4, "the write-up's printed KL outputs don't match its cells: 'GRPO KL Divergence 0.10222' is"
                + " sum(pi_new/pi_old - log - 1) (here " + num(w.seedPrintedGrpoKl()) + "), while the cell computes"
                + " sum(pi_old/pi_new - log - 1) (0.11444 on the write-up's numbers); 'KL Penalty (Reference) 0.17040'"
                + " comes from no cell shown.");

        step(out, 7, "Final objective: surrogate minus beta times KL, averaged per the loss type");
        value(out, "L_i - beta*KL_i", list(w.perOutputObjective()),
                "per-output objective with the " + lo.kl().configName() + " penalty, beta = " + num(lo.beta()));
        value(out, "J_GRPO", num(w.objective()), objectiveMeaning(lo.lossType(), g));
        value(out, "loss", num(-w.objective()), "what the optimiser minimises: -J_GRPO");
        note(out, 2, "the write-up's final J_GRPO formula writes the ratio upside down, pi_old/pi_theta; it is"
                + " pi_theta/pi_old (as in Step 3).");
        note(out, 7, "the write-up's Step 7 subtracts beta*D_KL from mean(L) once; in DeepSeekMath the KL term sits"
                + " inside the per-token sum, averaged the same way as the surrogate: mean(L_i - beta*KL_i). (mean(L)"
                + " - beta*sum(KL) would give " + num(w.seedStyleObjective()) + ".)");
    }

    private static String objectiveMeaning(LossType type, int g) {
        String how = switch (type) {
            case GRPO -> "(1/G) sum_i of each output's token mean of (L - beta*KL)";
            case BNPO, DAPO, CISPO -> "sum over all tokens of (L - beta*KL) / number of tokens";
            case DR_GRPO -> "sum over tokens of (L - beta*KL) / (G * max_completion_length)";
        };
        return how + "; each output is one token here, so every loss type gives the mean over the " + g
                + " outputs";
    }

    private static void step(PrintWriter out, int n, String title) {
        out.println();
        out.println("Step " + n + ". " + title);
    }

    private static void value(PrintWriter out, String name, String value, String meaning) {
        out.printf("  %-22s %s%n  %-22s   %s%n", name, value, "", meaning);
    }

    private static void note(PrintWriter out, int erratum, String text) {
        out.println("  note (seed erratum " + erratum + "): " + text);
    }

    /**
     * A number for people: 6 significant digits, so 0.1 + 0.2 reads 0.3, not 0.30000000000000004
     * ({@code --json} keeps every digit).
     */
    static String num(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0.0";
        }
        double a = Math.abs(v);
        if (a < 1e-4 || a >= 1e7) {
            return String.format(Locale.ROOT, "%.5e", v);
        }
        String s = new BigDecimal(v).round(new MathContext(6, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString();
        return s.contains(".") ? s : s + ".0";
    }

    static String list(double[] v) {
        return Arrays.stream(v).mapToObj(ExplainCommand::num).collect(Collectors.joining(", ", "[", "]"));
    }

    // ------------------------------------------------------------------ JSON

    private static String toJson(Walkthrough w) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("epsilon", w.lossOptions().epsilonLow());
        options.put("epsilon_high", w.lossOptions().epsilonHigh());
        options.put("beta", w.lossOptions().beta());
        options.put("std", w.advantageOptions().std().configName());
        options.put("std_eps", w.advantageOptions().stdEps());
        options.put("scale_rewards", w.advantageOptions().scaleRewards().configName());
        options.put("kl_estimator", w.lossOptions().kl().configName());
        options.put("loss_type", w.lossOptions().lossType().configName());
        root.put("options", options);
        root.put("outputs", w.outputs());
        root.put("rewards", w.rewards());
        root.put("new_probs", w.pNew());
        root.put("old_probs", w.pOld());
        root.put("ref_probs", w.pRef());
        root.put("mean_reward", w.meanReward());
        root.put("scale", w.scale());
        root.put("raw_advantages", w.rawAdvantages());
        root.put("advantages", w.advantages());
        root.put("ratios", w.ratios());
        root.put("clipped_ratios", w.clippedRatios());
        root.put("surrogate", w.surrogate());
        root.put("surrogate_mean", w.surrogateMean());
        root.put("k3", w.k3());
        root.put("kl", w.kl());
        root.put("k3_sum", Arrays.stream(w.k3()).sum());
        root.put("kl_exact", w.klExact());
        root.put("kl_expected_k3", w.klExpectedK3());
        root.put("kl_old_new", w.klOldNew());
        root.put("per_output_objective", w.perOutputObjective());
        root.put("objective", w.objective());
        root.put("loss", -w.objective());
        List<Map<String, Object>> errata = new ArrayList<>();
        errata.add(erratum(1, 5, "min(r*A, r*A) with the clipped ratio on both sides", "min(rho*A, clip(rho)*A)"));
        errata.add(erratum(2, 7, "ratio pi_old/pi_theta in J_GRPO", "pi_theta/pi_old"));
        errata.add(erratum(3, 6, "KL = pi_theta/pi_ref - log(pi_theta/pi_ref) - 1, summed over the group",
                "pi_ref/pi_theta - log(pi_ref/pi_theta) - 1, per token"));
        errata.add(erratum(4, 6, "printed 'GRPO KL Divergence 0.10222' and 'KL Penalty (Reference) 0.17040'",
                "the cell computes sum(pi_old/pi_new - log - 1) = 0.11444; 0.17040 comes from no cell"));
        errata.add(erratum(5, 1, "sampling with replace=False", "independent samples, with replacement"));
        errata.add(erratum(6, 2, "population std only", "population (seed) or sample (TRL, verl) std"));
        errata.add(erratum(7, 7, "mean(L) - beta*D_KL", "mean over outputs/tokens of (L - beta*KL)"));
        root.put("errata", errata);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the walkthrough as JSON", e);
        }
    }

    private static Map<String, Object> erratum(int n, int step, String seed, String right) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("erratum", n);
        m.put("step", step);
        m.put("seed", seed);
        m.put("correct", right);
        return m;
    }
}
