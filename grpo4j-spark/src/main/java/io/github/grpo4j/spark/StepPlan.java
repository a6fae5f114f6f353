package io.github.grpo4j.spark;

import java.io.Serializable;

/**
 * What the executors need for one optimizer update besides the weights: the whole batch's advantages and
 * counts, computed on the driver from every group's rewards (so that {@code scale_rewards: batch} and the
 * bnpo / dapo / dr_grpo normalisers see the whole batch, as on one machine).
 *
 * @param advantages  advantage per row of the batch (row = group·G + i)
 * @param inLoss      per row, whether it enters the loss ({@code filter_zero_std_groups} leaves rows out)
 * @param sequences   rows in the loss, over the whole batch
 * @param tokens      loss tokens over the whole batch
 * @param iteration   which of the μ passes (0-based): the first one takes π_old from the current weights
 */
record StepPlan(double[] advantages, boolean[] inLoss, int sequences, double tokens, int iteration)
        implements Serializable {}
