package io.github.grpo4j.internal.cli;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code grpo4j generate}: sample completions for one prompt from a model directory. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Sample completions for a prompt from a model directory and print each with its mean "
                + "log-prob.")
public final class GenerateCommand implements Callable<Integer> {

    private final Function<Path, LanguageModelPolicy> loader;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true,
            description = "Model directory (Hugging Face layout: config.json, *.safetensors, tokenizer.json).")
    Path model;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "PEFT LoRA adapter directory (adapter_config.json, adapter_model.safetensors) applied on top of "
                    + "--model, e.g. a run's final/ or checkpoint-N/model/ (default: none).")
    Path adapter;

    @Option(names = "--prompt", required = true, description = "Prompt text.")
    String prompt;

    @Option(names = "--chat",
            description = "Wrap the prompt as a user message in the model's chat template (default: ${DEFAULT-VALUE}).")
    boolean chat;

    @Option(names = {"-n", "--num-completions"}, defaultValue = "4",
            description = "Number of completions to sample (default: ${DEFAULT-VALUE}).")
    int numCompletions;

    @Option(names = "--temperature", defaultValue = "1.0",
            description = "Sampling temperature; 0 is greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0",
            description = "Keep only the k most likely tokens; 0 disables (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0",
            description = "Nucleus sampling: smallest set of tokens with probability >= p; 1 disables "
                    + "(default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--min-p", defaultValue = "0.0",
            description = "Drop tokens less likely than min-p times the most likely one; 0 disables "
                    + "(default: ${DEFAULT-VALUE}).")
    double minP;

    @Option(names = "--repetition-penalty", defaultValue = "1.0",
            description = "CTRL-style penalty on tokens already in prompt or completion; 1 disables "
                    + "(default: ${DEFAULT-VALUE}).")
    double repetitionPenalty;

    @Option(names = "--max-new-tokens", defaultValue = "128",
            description = "Longest completion, in tokens (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--seed", defaultValue = "0",
            description = "Random seed; the same seed gives the same completions (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stop",
            description = "Stop a completion once its text contains this string; repeatable (default: none).")
    List<String> stop = new ArrayList<>();

    /** The command as registered in the CLI: opens Hugging Face model directories. */
    public GenerateCommand() {
        this(LanguageModelPolicy::load);
    }

    /** @param loader opens a model directory as a policy (with its tokenizer) */
    public GenerateCommand(Function<Path, LanguageModelPolicy> loader) {
        this.loader = loader;
    }

    @Override
    public Integer call() {
        if (!Files.isDirectory(model)) {
            throw new Grpo4jException("--model " + model + " is not a directory; give a model directory "
                    + "with config.json, *.safetensors and tokenizer.json");
        }
        if (numCompletions < 1) {
            throw new Grpo4jException("-n must be >= 1, got " + numCompletions);
        }
        SamplingParams params = new SamplingParams(
                temperature, topK, topP, minP, repetitionPenalty, maxNewTokens, stop);
        PrintWriter out = spec.commandLine().getOut();
        try (LanguageModelPolicy policy = adapter == null ? loader.apply(model) : LanguageModelPolicy.load(model, adapter)) {
            Tokenizer tokenizer = policy.tokenizer();
            String text = chat
                    ? tokenizer.applyChatTemplate(List.of(Map.of("role", "user", "content", prompt)), true)
                    : prompt;
            int[] ids = tokenizer.encode(text);
            Completions c = policy.generate(List.of(ids), numCompletions, params, seed);
            for (int r = 0; r < c.size(); r++) {
                out.printf("--- completion %d/%d: %d tokens, mean log-prob %.4f, ended by %s%n", r + 1, c.size(),
                        c.tokens()[r].length, mean(c.logProbs()[r]), endReason(c, r, tokenizer));
                out.println(tokenizer.decode(c.tokens()[r]));
            }
            out.flush();
        }
        return 0;
    }

    private static String endReason(Completions c, int r, Tokenizer tokenizer) {
        if (c.truncated()[r]) {
            return "max-new-tokens";
        }
        int[] t = c.tokens()[r];
        for (int eos : tokenizer.eosIds()) {
            if (t.length > 0 && t[t.length - 1] == eos) {
                return "EOS";
            }
        }
        return "stop string";
    }

    private static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }
}
