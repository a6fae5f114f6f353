package io.github.grpo4j.internal.reward;

import io.github.grpo4j.reward.PerCompletion;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import io.github.grpo4j.reward.RewardOnError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reward functions of a run with their weights: scores a batch and combines the scores as
 * R = Σ_k w_k r_k summing only the applicable terms (docs/algorithm.md §1 step 2, TRL's {@code nansum}).
 *
 * <ul>
 *   <li>A score of null means "not applicable" and is skipped. NaN and ±inf are skipped too, with a
 *       warning logged and counted in {@link RewardResult#nonFinite()}.
 *   <li>A completion for which every function is not applicable is an error
 *       ({@link Grpo4jException} naming the prompt and the functions): its reward would be undefined.
 *   <li>A function that throws is handled by {@link RewardOnError}: {@code RAISE} stops with a
 *       {@link Grpo4jException} naming the function and prompt; {@code ZERO} scores 0 and warns.
 *       A {@link PerCompletion} function is called completion by completion, so the exception names
 *       the exact prompt and only that completion scores 0; other functions fail for the whole batch.
 *   <li>A {@link RewardConfigException} (the reward does not fit the data, e.g. a missing row field)
 *       always stops the run: zeros would silently train on nothing.
 *   <li>A function returning a list of the wrong size (or null) is an error under either policy: it is
 *       a bug in the function, not a bad completion.
 * </ul>
 */
public final class RewardSet implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RewardSet.class);
    private static final int PROMPT_SHOWN = 200;

    private final List<RewardFunction> functions;
    private final double[] weights;
    private final RewardOnError onError;

    /**
     * @param functions the reward functions, names unique
     * @param weights   one weight per function, or null for all 1.0 (TRL's default)
     * @param onError   policy for functions that throw
     */
    public RewardSet(List<RewardFunction> functions, List<Double> weights, RewardOnError onError) {
        if (functions == null || functions.isEmpty()) {
            throw new Grpo4jException("rewards: at least one reward function is needed");
        }
        this.functions = List.copyOf(functions);
        this.onError = onError == null ? RewardOnError.RAISE : onError;
        Set<String> seen = new HashSet<>();
        for (RewardFunction f : this.functions) {
            if (!seen.add(f.name())) {
                throw new Grpo4jException("rewards: two reward functions are named '" + f.name()
                        + "'; names must be unique (they key the metrics rewards/<name>/mean); give one a 'name'");
            }
        }
        this.weights = new double[this.functions.size()];
        if (weights == null) {
            java.util.Arrays.fill(this.weights, 1.0);
        } else {
            if (weights.size() != this.functions.size()) {
                throw new Grpo4jException("reward_weights: " + weights.size() + " weights given for "
                        + this.functions.size() + " reward functions " + names() + "; give one weight per function");
            }
            for (int k = 0; k < weights.size(); k++) {
                Double w = weights.get(k);
                if (w == null || !Double.isFinite(w)) {
                    throw new Grpo4jException("reward_weights[" + k + "] (for '" + this.functions.get(k).name()
                            + "'): " + w + " is not a finite number");
                }
                this.weights[k] = w;
            }
        }
    }

    /** All functions with weight 1.0 and {@link RewardOnError#RAISE}. */
    public static RewardSet of(RewardFunction... functions) {
        return new RewardSet(List.of(functions), null, RewardOnError.RAISE);
    }

    /** The functions' names, in order. */
    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (RewardFunction f : functions) {
            n.add(f.name());
        }
        return n;
    }

    /** The functions, in order. */
    public List<RewardFunction> functions() {
        return functions;
    }

    /** A copy of the weights, in function order. */
    public double[] weights() {
        return weights.clone();
    }

    /** The error policy. */
    public RewardOnError onError() {
        return onError;
    }

    /**
     * Scores a batch with every function and combines the scores.
     *
     * @param batch completions to score (may be empty)
     * @return raw per-function scores, weighted totals and warning counts
     * @throws Grpo4jException when a function fails under {@code RAISE}, returns the wrong number of
     *                         scores, or no function applies to some completion
     */
    public RewardResult score(List<RewardInput> batch) {
        int n = batch.size();
        int nf = functions.size();
        double[][] per = new double[nf][n];
        int[] nonFinite = new int[nf];
        int[] errors = new int[nf];
        for (int k = 0; k < nf; k++) {
            RewardFunction f = functions.get(k);
            Double[] raw = n == 0 ? new Double[0] : run(f, batch, errors, k);
            for (int i = 0; i < n; i++) {
                Double v = raw[i];
                if (v == null) {
                    per[k][i] = Double.NaN;
                } else if (!Double.isFinite(v)) {
                    per[k][i] = Double.NaN;
                    nonFinite[k]++;
                } else {
                    per[k][i] = v;
                }
            }
            if (nonFinite[k] > 0) {
                LOG.warn("reward function '{}' returned NaN or infinity for {} of {} completions; "
                        + "treated as not applicable (return null to say that without a warning)", f.name(), nonFinite[k], n);
            }
        }
        double[] total = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            boolean any = false;
            for (int k = 0; k < nf; k++) {
                if (!Double.isNaN(per[k][i])) {
                    sum += weights[k] * per[k][i];
                    any = true;
                }
            }
            if (!any) {
                throw new Grpo4jException("no reward function applies to completion " + i + " of prompt "
                        + shorten(batch.get(i).prompt()) + ": " + names()
                        + " all returned null/NaN; at least one reward must score every completion");
            }
            total[i] = sum;
        }
        return new RewardResult(names(), weights.clone(), per, total, nonFinite, errors);
    }

    /** Runs one function on the batch under the error policy; returns exactly batch.size() entries. */
    private Double[] run(RewardFunction f, List<RewardInput> batch, int[] errors, int k) {
        int n = batch.size();
        Double[] out = new Double[n];
        if (f instanceof PerCompletion pc) {
            for (int i = 0; i < n; i++) {
                try {
                    out[i] = pc.scoreOne(batch.get(i));
                } catch (RewardConfigException e) {
                    throw e;
                } catch (RuntimeException e) {
                    out[i] = failed(f, "prompt " + shorten(batch.get(i).prompt()), e);
                    errors[k]++;
                }
            }
            return out;
        }
        List<Double> scores;
        try {
            scores = f.score(batch);
        } catch (RewardConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            Double v = failed(f, "a batch of " + n + " completions (first prompt " + shorten(batch.get(0).prompt()) + ")", e);
            java.util.Arrays.fill(out, v);
            errors[k] += n;
            return out;
        }
        if (scores == null || scores.size() != n) {
            throw new Grpo4jException("reward function '" + f.name() + "' returned "
                    + (scores == null ? "null" : scores.size() + " scores") + " for " + n
                    + " completions; it must return exactly one score (or null) per completion");
        }
        return scores.toArray(new Double[0]);
    }

    private Double failed(RewardFunction f, String where, RuntimeException e) {
        String msg = "reward function '" + f.name() + "' failed on " + where + ": " + describe(e);
        if (onError == RewardOnError.RAISE) {
            throw new Grpo4jException(msg + " (set reward_on_error: zero to score such completions 0 instead)", e);
        }
        LOG.warn("{}; scored 0 (reward_on_error: zero)", msg);
        return 0.0;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e instanceof Grpo4jException ? m : e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** The prompt quoted, newlines escaped, cut to a readable length. */
    static String shorten(String prompt) {
        String p = prompt.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\"", "\\\"");
        if (p.length() > PROMPT_SHOWN) {
            p = p.substring(0, PROMPT_SHOWN) + "...";
        }
        return "\"" + p + "\"";
    }

    /** Closes every function (child processes, say); the first failure is rethrown after all are closed. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (RewardFunction f : functions) {
            try {
                f.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
