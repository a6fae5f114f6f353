package io.github.grpo4j.internal.config;

import io.github.grpo4j.config.CheckpointSection;
import io.github.grpo4j.config.Default;
import io.github.grpo4j.config.Defaults;
import io.github.grpo4j.config.Doc;
import io.github.grpo4j.config.GrpoConfig;
import io.github.grpo4j.config.LoggingSection;
import io.github.grpo4j.config.ModelSection;

/**
 * A supervised fine-tuning run (a warm start before GRPO), read and written like {@link GrpoConfig}.
 *
 * @param seed       seed of the run's random source
 * @param outputDir  run directory
 * @param model      the model to fine-tune
 * @param data       prompt / completion examples
 * @param training   steps, batch, optimiser
 * @param checkpoint checkpoints
 * @param logging    metrics
 */
@Doc("A supervised fine-tuning run (warm start): cross-entropy on the target completion tokens.")
public record SftConfig(
        @Doc("Seed of the run's random source.")
        @Default("0")
        long seed,
        @Doc(value = "Run directory.", valid = "non-empty")
        @Default("runs/sft")
        String outputDir,
        @Doc("The model to fine-tune (same keys as for GRPO).")
        ModelSection model,
        @Doc("Prompt / completion examples.")
        SftDataSection data,
        @Doc("Steps, batch, optimiser.")
        SftTrainingSection training,
        @Doc("Checkpoints.")
        CheckpointSection checkpoint,
        @Doc("Metrics, samples, evaluation.")
        LoggingSection logging) {

    public SftConfig {
        // Library users may leave sections null: they mean "all defaults", as in a file.
        outputDir = outputDir == null ? "runs/sft" : outputDir;
        model = model == null ? ModelSection.defaults() : model;
        data = data == null ? SftDataSection.defaults() : data;
        training = training == null ? SftTrainingSection.defaults() : training;
        checkpoint = checkpoint == null ? CheckpointSection.defaults() : checkpoint;
        logging = logging == null ? LoggingSection.defaults() : logging;
    }

    public static SftConfig defaults() {
        return Defaults.of(SftConfig.class);
    }
}
