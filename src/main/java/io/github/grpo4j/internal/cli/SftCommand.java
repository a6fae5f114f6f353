package io.github.grpo4j.internal.cli;

import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.train.SftRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpo4j sft}: supervised fine-tuning, e.g. a warm start before GRPO. */
@Command(
        name = "sft",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Supervised fine-tuning, e.g. a warm start before GRPO.",
            "Trains on (prompt, completion) pairs from a JSONL/CSV file or a built-in task's reference answers.",
            "The loss is the mean token negative log-likelihood of the completions (EOS",
            "appended). Writes metrics.jsonl and the model to <output_dir>/final (a Hugging Face directory that",
            "`train` can start from with model.path)."
        })
public final class SftCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "YAML or JSON SFT config (docs/configuration.md).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a config key (dotted); repeatable (default: none).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        new SftRun(ConfigLoader.loadSft(config, overrides), System.out).run();
        return 0;
    }
}
