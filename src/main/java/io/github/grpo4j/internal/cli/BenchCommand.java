package io.github.grpo4j.internal.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LoraSection;
import io.github.grpo4j.config.LossType;
import io.github.grpo4j.config.RefParamOffload;
import io.github.grpo4j.internal.OptionNames;
import io.github.grpo4j.internal.bench.BenchOptions;
import io.github.grpo4j.internal.bench.BenchReport;
import io.github.grpo4j.internal.bench.BenchRunner;
import io.github.grpo4j.internal.bench.Machine;
import io.github.grpo4j.internal.bench.MatmulPeak;
import io.github.grpo4j.internal.bench.Sweep;
import io.github.grpo4j.internal.bench.Threads;
import io.github.grpo4j.internal.model.MemorySettings;
import io.github.grpo4j.internal.tensor.NativeAllocator;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code grpo4j bench}: full GRPO steps (generate, reward, advantages, reference log-probs, update) on a
 * synthetic workload, timed; prints the medians, peak memory and MFU as a table or JSON.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Time full GRPO steps on a synthetic workload (random model, random prompts and rewards) "
                + "and report phase times, tokens/s, peak memory and model FLOP utilisation (MFU).")
public final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model-type", defaultValue = "qwen2", description = "llama, qwen2 or qwen3 (default: ${DEFAULT-VALUE}).")
    String modelType;
    @Option(names = "--vocab", defaultValue = "64", description = "Vocabulary size (default: ${DEFAULT-VALUE}).")
    int vocab;
    @Option(names = "--hidden", defaultValue = "256", description = "Hidden size (default: ${DEFAULT-VALUE}).")
    int hidden;
    @Option(names = "--layers", defaultValue = "4", description = "Decoder layers (default: ${DEFAULT-VALUE}).")
    int layers;
    @Option(names = "--heads", defaultValue = "8", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;
    @Option(names = "--kv-heads", defaultValue = "2", description = "Key/value heads (default: ${DEFAULT-VALUE}).")
    int kvHeads;
    @Option(names = "--intermediate", defaultValue = "768", description = "MLP width (default: ${DEFAULT-VALUE}).")
    int intermediate;
    @Option(names = "--tied", description = "Tie the output head to the embedding (default: untied).")
    boolean tied;
    @Option(names = "--prompts", defaultValue = "8", description = "Prompts per step (default: ${DEFAULT-VALUE}).")
    int prompts;
    @Option(names = {"-G", "--group"}, defaultValue = "8", description = "Completions per prompt (default: ${DEFAULT-VALUE}).")
    int group;
    @Option(names = "--prompt-length", defaultValue = "16", description = "Random tokens per prompt (default: ${DEFAULT-VALUE}).")
    int promptLength;
    @Option(names = "--max-new", defaultValue = "32",
            description = "New tokens per completion; EOS is disabled so every completion has all of them (default: ${DEFAULT-VALUE}).")
    int maxNew;
    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature (default: ${DEFAULT-VALUE}).")
    double temperature;
    @Option(names = "--beta", defaultValue = "0.04", description = "KL weight, k3 estimator; 0 skips the reference (default: ${DEFAULT-VALUE}).")
    double beta;
    @Option(names = "--iterations", defaultValue = "1", description = "mu, updates per generated batch (default: ${DEFAULT-VALUE}).")
    int iterations;
    @Option(names = "--loss-type", defaultValue = "grpo", description = "Loss aggregation, as in train configs (default: ${DEFAULT-VALUE}).")
    String lossType;
    @Option(names = "--lr", defaultValue = "1e-4", description = "AdamW learning rate (default: ${DEFAULT-VALUE}).")
    double lr;
    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Gradient-norm clip; 0 disables (default: ${DEFAULT-VALUE}).")
    double maxGradNorm;
    @Option(names = "--micro-batch", defaultValue = "64",
            description = "Completions per forward/backward of the update; 0 = the whole batch (default: ${DEFAULT-VALUE}).")
    int microBatch;
    @Option(names = "--logprob-chunk-size", defaultValue = "" + MemorySettings.DEFAULT_CHUNK,
            description = "Tokens whose logits exist at once when log-probs are computed; 0 = all at once, as"
                    + " training.logprob_chunk_size (default: ${DEFAULT-VALUE}).")
    int logprobChunkSize;
    @Option(names = "--gradient-checkpointing",
            description = "Recompute each decoder layer's activations in the backward pass, as"
                    + " training.gradient_checkpointing (default: off).")
    boolean gradientCheckpointing;
    @Option(names = "--ref-param-offload", arity = "0..1", fallbackValue = "true", defaultValue = "auto",
            paramLabel = "auto|true|false",
            description = "Full fine-tuning: read the reference model's weights from a file in the temporary directory"
                    + " one layer at a time instead of keeping a copy in memory, as training.ref_param_offload;"
                    + " auto: for models of 1 GB of weights or more; the flag alone means true"
                    + " (default: ${DEFAULT-VALUE}).")
    String refParamOffload;
    @Option(names = "--threads", defaultValue = "2", description = "PyTorch intra-op threads (default: ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--warmup", defaultValue = "1", description = "Untimed steps first (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--steps", defaultValue = "5", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--seed", defaultValue = "0", description = "Seed of weights, prompts, rewards and sampling (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--sweep",
            description = "Instead of one workload, time G in {4, 8, 16, 32} x max-new in {16, 32, 64, 128} and check that"
                    + " generation cost grows linearly in new tokens.")
    boolean sweep;
    @Option(names = "--matmul-size", defaultValue = "1024",
            description = "Side of the square fp32 matmuls that measure the machine's peak, the MFU denominator"
                    + " (default: ${DEFAULT-VALUE}).")
    int matmulSize;
    @Option(names = "--lora-r", defaultValue = "0",
            description = "Train LoRA adapters of this rank instead of every weight; 0 = full fine-tuning (default: ${DEFAULT-VALUE}).")
    int loraR;
    @Option(names = "--lora-alpha", description = "LoRA alpha (default: 2 x --lora-r).")
    Double loraAlpha;
    @Option(names = "--lora-targets", defaultValue = "all-linear", split = ",",
            description = "Comma-separated modules to adapt, or all-linear (default: ${DEFAULT-VALUE}).")
    List<String> loraTargets;
    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    /** The options the flags describe. */
    BenchOptions options() {
        return new BenchOptions(modelType, vocab, hidden, layers, heads, kvHeads, intermediate, tied, prompts, group,
                promptLength, maxNew, temperature, beta, iterations,
                OptionNames.parse(LossType.class, "loss_type", lossType), lr, maxGradNorm,
                microBatch, threads, warmup, steps, seed,
                new MemorySettings(logprobChunkSize, gradientCheckpointing), lora(),
                OptionNames.parse(RefParamOffload.class, "--ref-param-offload", refParamOffload));
    }

    private LoraSection lora() {
        if (loraR < 0) {
            throw new Grpo4jException("--lora-r must be >= 0 (0 = full fine-tuning), got " + loraR);
        }
        if (loraR == 0) {
            return null;
        }
        return LoraSection.defaults().with(loraR, loraAlpha != null ? loraAlpha : 2.0 * loraR, loraTargets);
    }

    @Override
    public Integer call() {
        BenchOptions o = options(); // validate before starting the engine
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // before the first NDManager, so the engine starts with these threads (and applied directly if it runs)
        int effective = Threads.apply(o.threads());
        if (matmulSize < 1) {
            throw new Grpo4jException("--matmul-size must be a positive integer, got " + matmulSize);
        }
        // The machine is shared: measure the matmul peak before and after the steps and keep the higher,
        // so a busy moment during one measurement does not inflate MFU.
        double before = MatmulPeak.measure(matmulSize, 5, 10);
        if (sweep) {
            List<Sweep.Point> points = Sweep.run(o, effective, p -> {
                if (!json) {
                    err.printf(Locale.ROOT, "G %d, max-new %d: step %.3f s%n", p.generations(), p.maxNew(),
                            p.stepSeconds());
                    err.flush();
                }
            });
            double peak = Math.max(before, MatmulPeak.measure(matmulSize, 5, 10));
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                Machine machine = Machine.current();
                m.put("cpu", machine.cpu());
                m.put("processors", machine.processors());
                m.put("threads", effective);
                m.put("matmul_fp32_flops_per_s", peak);
                m.put("points", points.stream().map(p -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("num_generations", p.generations());
                    row.put("max_new_tokens", p.maxNew());
                    row.put("step_s", p.stepSeconds());
                    row.put("generation_s", p.generationSeconds());
                    row.put("mfu", p.mfu(peak));
                    return row;
                }).toList());
                out.println(toJson(m));
            } else {
                out.print(Sweep.table(points, peak));
            }
        } else {
            // as train does: on a large model glibc would otherwise keep freed tensors resident (a higher peak)
            String allocator = NativeAllocator.describe(NativeAllocator.forWeights(4L * o.modelConfig().parameterCount()));
            if (!allocator.isEmpty()) {
                err.println(allocator);
                err.flush();
            }
            BenchReport r = BenchRunner.run(o, before, effective, t -> {
                if (!json) {
                    err.printf(Locale.ROOT, "step: %.3f s (generation %.3f, reference %.3f, update %.3f)%n", t.step(),
                            t.generation(), t.reference(), t.update());
                    err.flush();
                }
            });
            r = r.withMatmulFlopsPerS(Math.max(before, MatmulPeak.measure(matmulSize, 5, 10)));
            out.print(json ? r.toJson() + System.lineSeparator() : r.toTable());
        }
        out.flush();
        return 0;
    }

    private static String toJson(Object o) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
