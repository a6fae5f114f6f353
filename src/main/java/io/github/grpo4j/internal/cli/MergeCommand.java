package io.github.grpo4j.internal.cli;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.train.Checkpoints;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpo4j merge}: fold a LoRA adapter into its base model and write a plain Hugging Face model. */
@Command(
        name = "merge",
        mixinStandardHelpOptions = true,
        description = "Merge a PEFT LoRA adapter into its base model (W + lora_alpha / r * B A) and write a full "
                + "Hugging Face model directory (config.json, float32 model.safetensors, tokenizer).")
public final class MergeCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "BASE", description = "Base model directory (Hugging Face layout).")
    Path model;

    @Option(names = "--adapter", required = true, paramLabel = "DIR",
            description = "PEFT LoRA adapter directory (adapter_config.json, adapter_model.safetensors).")
    Path adapter;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where to write the merged model; must not exist.")
    Path output;

    @Override
    public Integer call() {
        if (Files.exists(output)) {
            throw new Grpo4jException("--output " + output + " exists already; choose a new directory");
        }
        Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
        // everything is read and checked before anything is written; the model appears under its name only
        // when complete
        try (LanguageModelPolicy policy = LanguageModelPolicy.load(model, adapter)) {
            Transformer t = (Transformer) policy.model();
            t.mergeAdapters();
            Checkpoints.deleteTree(tmp);
            policy.save(tmp);
            Files.move(tmp, output);
        } catch (IOException e) {
            Checkpoints.deleteTree(tmp);
            throw new Grpo4jException("cannot write " + output + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            Checkpoints.deleteTree(tmp);
            throw e;
        }
        System.out.println("Merged " + adapter + " into " + model + ": " + output);
        return 0;
    }
}
