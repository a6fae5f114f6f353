package io.github.grpo4j.internal.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.grpo4j.internal.OptionNames;
import io.github.grpo4j.internal.train.MemoryEstimate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * What {@code grpo4j bench} measured: the workload, the machine, every timed step, and the summary
 * (medians, peak memory, MFU) as a table or JSON.
 *
 * @param options          the workload
 * @param machine          CPU and core count
 * @param threads          PyTorch intra-op threads in effect
 * @param parameters       N, the model's parameter count
 * @param adapterParameters n, the LoRA adapters' parameter count (0 for full fine-tuning)
 * @param matmulFlopsPerS  measured fp32 1024×1024 matmul throughput, the MFU denominator
 * @param steps            the timed steps, in order
 * @param peakResidentBytes peak resident memory of the process over the run (model construction and warm-up
 *                          included), or -1
 */
public record BenchReport(BenchOptions options, Machine machine, int threads, long parameters,
        long adapterParameters, double matmulFlopsPerS,
        List<StepTiming> steps, long peakResidentBytes) {

    /** The step after which resident memory is the baseline of the flatness check. */
    public static final int MEMORY_BASELINE_STEP = 20;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public BenchReport {
        steps = List.copyOf(steps);
    }

    /** This report with another MFU denominator. */
    public BenchReport withMatmulFlopsPerS(double flopsPerS) {
        return new BenchReport(options, machine, threads, parameters, adapterParameters, flopsPerS, steps,
                peakResidentBytes);
    }

    /** Nominal model FLOPs of one step ({@link Flops#step}, or {@link Flops#loraStep} when LoRA trains). */
    public double flopsPerStep() {
        if (options.lora() != null) {
            return Flops.loraStep(parameters, adapterParameters, options.rows(), options.promptLength(),
                    options.maxNewTokens(), options.beta() > 0, options.iterations());
        }
        return Flops.step(parameters, options.rows(), options.promptLength(), options.maxNewTokens(),
                options.beta() > 0, options.iterations());
    }

    /** Median of a per-step quantity. */
    public double median(ToDoubleFunction<StepTiming> f) {
        return median(steps.stream().mapToDouble(f).toArray());
    }

    /** MFU of the median step. */
    public double mfu() {
        return Flops.mfu(flopsPerStep(), median(StepTiming::step), matmulFlopsPerS);
    }

    /** Achieved model FLOP/s of the median step. */
    public double achievedFlopsPerS() {
        return flopsPerStep() / median(StepTiming::step);
    }

    /**
     * Index (0-based, into {@link #steps}) of the memory baseline: after timed step 20 when more steps
     * follow it, else after the first timed step.
     */
    public int memoryBaselineIndex() {
        return steps.size() > MEMORY_BASELINE_STEP ? MEMORY_BASELINE_STEP - 1 : 0;
    }

    /** Relative growth of resident memory from the baseline step to the last, or NaN without /proc. */
    public double residentGrowth() {
        long base = steps.get(memoryBaselineIndex()).residentBytes();
        long last = steps.get(steps.size() - 1).residentBytes();
        return base > 0 && last > 0 ? (double) (last - base) / base : Double.NaN;
    }

    /** The summary as a JSON object (field names in snake_case; times in seconds, memory in bytes). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("model_type", options.modelType());
        w.put("vocab_size", options.vocab());
        w.put("hidden_size", options.hidden());
        w.put("num_hidden_layers", options.layers());
        w.put("num_attention_heads", options.heads());
        w.put("num_key_value_heads", options.kvHeads());
        w.put("intermediate_size", options.intermediate());
        w.put("tie_word_embeddings", options.tied());
        w.put("parameters", parameters);
        w.put("prompts", options.prompts());
        w.put("num_generations", options.generations());
        w.put("prompt_length", options.promptLength());
        w.put("max_new_tokens", options.maxNewTokens());
        w.put("temperature", options.temperature());
        w.put("beta", options.beta());
        w.put("num_iterations", options.iterations());
        w.put("loss_type", options.lossType().configName());
        w.put("learning_rate", options.learningRate());
        w.put("max_grad_norm", options.maxGradNorm());
        w.put("micro_batch", options.microBatch());
        w.put("logprob_chunk_size", (options.lora() != null ? options.memory().forVocab(options.vocab()) : options.memory())
                .logprobChunkSize());
        w.put("gradient_checkpointing", options.memory().gradientCheckpointing());
        w.put("ref_param_offload", OptionNames.of(options.refParamOffload()));
        w.put("reference_offloaded", options.offloadsReference());
        w.put("warmup_steps", options.warmup());
        w.put("steps", options.steps());
        w.put("seed", options.seed());
        if (options.lora() != null) {
            w.put("lora_r", options.lora().r());
            w.put("lora_alpha", options.lora().loraAlpha());
            w.put("lora_target_modules", options.lora().targetModules());
            w.put("adapter_parameters", adapterParameters);
        }
        m.put("workload", w);
        Map<String, Object> mc = new LinkedHashMap<>();
        mc.put("cpu", machine.cpu());
        mc.put("processors", machine.processors());
        mc.put("bf16_capable", machine.bf16Capable());
        mc.put("threads", threads);
        mc.put("matmul_fp32_flops_per_s", matmulFlopsPerS);
        m.put("machine", mc);
        m.put("generation_s", median(StepTiming::generation));
        m.put("reference_s", median(StepTiming::reference));
        m.put("update_s", median(StepTiming::update));
        m.put("step_s", median(StepTiming::step));
        m.put("gen_tokens_per_s", median(StepTiming::genTokensPerS));
        m.put("train_tokens_per_s", median(StepTiming::trainTokensPerS));
        m.put("peak_resident_bytes", peakResidentBytes);
        Map<String, Object> phases = new LinkedHashMap<>();
        phases.put("generation", maxPeak(StepTiming::generationPeakBytes));
        phases.put("reference", maxPeak(StepTiming::referencePeakBytes));
        phases.put("update", maxPeak(StepTiming::updatePeakBytes));
        m.put("peak_resident_bytes_by_phase", phases);
        m.put("estimated_peak_bytes", estimatedPeakBytes());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("generation", median(StepTiming::generationCpu));
        cpu.put("reference", median(StepTiming::referenceCpu));
        cpu.put("update", median(StepTiming::updateCpu));
        cpu.put("step", median(StepTiming::stepCpu));
        m.put("cpu_s", cpu);
        m.put("java_heap_committed_bytes", Runtime.getRuntime().totalMemory());
        m.put("flops_per_step", flopsPerStep());
        m.put("achieved_flops_per_s", achievedFlopsPerS());
        m.put("mfu", mfu());
        m.put("resident_baseline_step", memoryBaselineIndex() + 1);
        m.put("resident_growth", residentGrowth());
        m.put("per_step", steps.stream().map(s -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("generation_s", s.generation());
            row.put("reference_s", s.reference());
            row.put("update_s", s.update());
            row.put("step_s", s.step());
            row.put("gen_tokens_per_s", s.genTokensPerS());
            row.put("train_tokens_per_s", s.trainTokensPerS());
            row.put("resident_bytes", s.residentBytes());
            row.put("generation_peak_bytes", s.generationPeakBytes());
            row.put("reference_peak_bytes", s.referencePeakBytes());
            row.put("update_peak_bytes", s.updatePeakBytes());
            row.put("generation_cpu_s", s.generationCpu());
            row.put("reference_cpu_s", s.referenceCpu());
            row.put("update_cpu_s", s.updateCpu());
            row.put("step_cpu_s", s.stepCpu());
            return row;
        }).toList());
        return m;
    }

    /** {@link #toMap()} as indented JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A human-readable table. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "workload: %s vocab %d, hidden %d, %d layers, %d heads / %d KV, intermediate %d, %s head, N = %,d"
                        + " parameters%n",
                options.modelType(), options.vocab(), options.hidden(), options.layers(), options.heads(),
                options.kvHeads(), options.intermediate(), options.tied() ? "tied" : "untied", parameters));
        sb.append(String.format(Locale.ROOT,
                "          %d prompts x G %d, prompt %d + %d new tokens (no EOS), T %.2g, beta %.3g (k3), mu %d, %s,"
                        + " micro-batch %s%n",
                options.prompts(), options.generations(), options.promptLength(), options.maxNewTokens(),
                options.temperature(), options.beta(), options.iterations(),
                options.lossType().configName(),
                options.microBatch() == 0 ? "all" : Integer.toString(options.microBatch())));
        sb.append(String.format(Locale.ROOT,
                "memory:   log-prob chunks of %s tokens, gradient checkpointing %s, reference offloaded %s%n",
                options.memory().logprobChunkSize() == 0 ? "all" : Integer.toString(options.memory().logprobChunkSize()),
                options.memory().gradientCheckpointing() ? "on" : "off", options.offloadsReference() ? "yes" : "no"));
        sb.append(String.format(Locale.ROOT, "machine:  %s, %d CPUs, %d threads; fp32 matmul peak %.1f GFLOP/s%n",
                machine.cpu(), machine.processors(), threads, matmulFlopsPerS / 1e9));
        sb.append(String.format(Locale.ROOT, "steps:    %d warm-up, %d timed (medians below)%n%n", options.warmup(),
                steps.size()));
        row(sb, "generation", median(StepTiming::generation), "s");
        row(sb, "reference", median(StepTiming::reference), "s");
        row(sb, "update", median(StepTiming::update), "s");
        row(sb, "step", median(StepTiming::step), "s");
        row(sb, "generated tokens/s", median(StepTiming::genTokensPerS), "");
        row(sb, "trained tokens/s", median(StepTiming::trainTokensPerS), "");
        row(sb, "peak resident memory", peakResidentBytes / (1024.0 * 1024.0), "MiB");
        row(sb, "estimated peak (train's check)", estimatedPeakBytes() / (1024.0 * 1024.0), "MiB");
        row(sb, "  in generation", maxPeak(StepTiming::generationPeakBytes) / (1024.0 * 1024.0), "MiB");
        row(sb, "  in reference", maxPeak(StepTiming::referencePeakBytes) / (1024.0 * 1024.0), "MiB");
        row(sb, "  in update", maxPeak(StepTiming::updatePeakBytes) / (1024.0 * 1024.0), "MiB");
        row(sb, "model GFLOP per step", flopsPerStep() / 1e9, "");
        row(sb, "achieved GFLOP/s", achievedFlopsPerS() / 1e9, "");
        sb.append(String.format(Locale.ROOT, "%-24s %9.1f %%%n", "MFU", 100 * mfu()));
        sb.append(String.format(Locale.ROOT, "%-24s %+9.2f %%  (after step %d -> step %d)%n", "resident growth",
                100 * residentGrowth(), memoryBaselineIndex() + 1, steps.size()));
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, double value, String unit) {
        sb.append(String.format(Locale.ROOT, "%-24s %9.3f %s%n", name, value, unit));
    }

    /**
     * The largest peak of a phase over the timed steps, in bytes, or -1 when it was not measured (no
     * /proc, or a kernel that cannot reset the peak).
     */
    public long maxPeak(ToLongFunction<StepTiming> phase) {
        return steps.stream().mapToLong(phase).max().orElse(-1);
    }

    /** Median of {@code values} (mean of the middle two for an even count); NaN when empty. */
    static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * {@return what {@code grpo4j train}'s memory check estimates for this workload (runtime included)}, to set
     * against the measured peaks
     */
    long estimatedPeakBytes() {
        MemoryEstimate.Workload w = new MemoryEstimate.Workload(options.modelConfig(), options.rows(),
                options.microBatch() == 0 ? options.rows() : options.microBatch(), options.promptLength(),
                options.maxNewTokens(), options.beta() > 0, options.memory(), options.lora() != null,
                options.offloadsReference());
        return MemoryEstimate.of(w).total();
    }
}
