package io.github.grpo4j.internal.policy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.config.LoraSection;
import io.github.grpo4j.config.ModelSection;
import io.github.grpo4j.internal.generate.Generator;
import io.github.grpo4j.internal.model.CausalLm;
import io.github.grpo4j.internal.model.ChunkedScoring;
import io.github.grpo4j.internal.model.LoraAdapters;
import io.github.grpo4j.internal.model.MemorySettings;
import io.github.grpo4j.internal.model.ModelParts;
import io.github.grpo4j.internal.model.OffloadedModel;
import io.github.grpo4j.internal.model.PeftAdapter;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.tensor.GradMode;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import io.github.grpo4j.internal.tensor.Scalars;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.tokenizer.Tokenizers;
import io.github.grpo4j.internal.train.Seeds;
import io.github.grpo4j.internal.train.UpdateScores;
import io.github.grpo4j.policy.Completions;
import io.github.grpo4j.policy.Policy;
import io.github.grpo4j.policy.SamplingParams;
import io.github.grpo4j.policy.TransformerPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The {@link TransformerPolicy}: a causal language model and its tokenizer. Samples with the batched
 * {@link Generator} and scores with one teacher-forced forward pass. Internal code reaches the model, the
 * tokenizer, the memory settings and the update's scoring here; the public API sees the interface only
 * (built by {@link io.github.grpo4j.policy.TransformerPolicies}).
 *
 * <p>Temperature: {@link #score} uses {@code log_softmax(logits / temperature)}, the same
 * distribution whose log-probs {@link #generate} records, so for the same weights sampled and scored
 * log-probs agree (the importance ratio starts at exactly 1). Temperature 0 (greedy sampling) scores
 * at temperature 1, as the generator records it.
 */
public final class LanguageModelPolicy implements TransformerPolicy {

    private final CausalLm model;
    private final Tokenizer tokenizer;
    private final Generator generator;
    private MemorySettings memory;

    /** As {@link io.github.grpo4j.policy.TransformerPolicies#load(Path)}. */
    public static LanguageModelPolicy load(Path directory) {
        return new LanguageModelPolicy(Transformer.load(directory), Tokenizers.load(directory));
    }

    /** As {@link io.github.grpo4j.policy.TransformerPolicies#load(Path, Path)}. */
    public static LanguageModelPolicy load(Path base, Path adapter) {
        LanguageModelPolicy p = load(base);
        try {
            p.loadAdapter(adapter);
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    /** As {@link io.github.grpo4j.policy.TransformerPolicies#fromConfig(ModelSection, long)}. */
    public static LanguageModelPolicy fromConfig(ModelSection model, long seed) {
        Tokenizer tokenizer = Tokenizers.forModel(model, null);
        return new LanguageModelPolicy(
                ModelParts.transformer(model, tokenizer, Seeds.of(seed, 0, Seeds.INIT), Seeds.of(seed, 0, Seeds.LORA)),
                tokenizer);
    }

    /**
     * Wraps a model and its tokenizer.
     *
     * @param model     the network; the policy owns it and closes it
     * @param tokenizer its tokenizer
     */
    public LanguageModelPolicy(CausalLm model, Tokenizer tokenizer) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.generator = new Generator(model, tokenizer);
        this.memory = MemorySettings.defaults();
    }

    /**
     * The network (grpo4j's internal type).
     *
     * @return the model this policy wraps
     */
    public CausalLm model() {
        return model;
    }

    /**
     * The tokenizer (grpo4j's internal type).
     *
     * @return the tokenizer this policy wraps
     */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public List<String> complete(String prompt, int n, SamplingParams params, long seed) {
        Completions c = generate(List.of(tokenizer.encode(prompt)), n, params, seed);
        return Arrays.stream(c.tokens()).map(this::decode).toList();
    }

    @Override
    public Completions generate(List<int[]> prompts, int numPerPrompt, SamplingParams params, long seed) {
        return generator.generate(prompts, numPerPrompt, params, seed);
    }

    /**
     * One forward over {@code [left-padded prompt | right-padded completion]} without a cache. The
     * logits at position {@code L - 1 + j} (L the padded prompt length) predict completion token j;
     * only those are asked of the model ({@link CausalLm#forward(NDArray, NDArray, NDArray, KvCache, int)}).
     * Log-probs are differentiable; the entropy is a metric and is computed without gradient.
     * Intermediates live in a sub-manager closed before returning; the autograd graph keeps what
     * backward needs.
     */
    @Override
    public TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions, double temperature) {
        return score(manager, prompts, completions, temperature, false);
    }

    /**
     * As {@link #score(NDManager, List, List, double)}, the entropy differentiable when asked (an entropy
     * bonus); then the full {@code [B, T, vocab]} distributions stay in the autograd graph.
     */
    @Override
    public TokenScores score(NDManager manager, List<int[]> prompts, List<int[]> completions, double temperature,
            boolean entropyGradient) {
        if (model instanceof OffloadedModel) {
            return scoreEach(manager, List.of(prompts), List.of(completions), temperature).get(0);
        }
        Layout layout = layout(prompts, completions);
        float t = temperature == 0.0 ? 1f : (float) temperature;
        Transformer transformer = model instanceof Transformer.BaseView view ? view.model()
                : model instanceof Transformer tm ? tm : null;
        if (transformer != null && !GradMode.recording()) {
            // values only (reference, evaluation): the head runs in chunks, no [B, T, vocab] array is kept;
            // a LoRA run's reference (the base view) too, with the adapters off
            try (NDManager scope = manager.newSubManager()) {
                NDArray[] r = ChunkedScoring.values(transformer, !(model instanceof Transformer.BaseView), manager,
                        layout.batch(scope, t), memory().chunkFor(layout.tokens()));
                return new TokenScores(r[0], r[1]);
            }
        }
        int b = layout.rows();
        int longestCompletion = layout.longestCompletion();
        try (NDManager scope = manager.newSubManager()) {
            ChunkedScoring.Batch batch = layout.batch(scope, t);
            // [B, T + 1, V]: logits from the last prompt column on; column j predicts completion token j
            NDArray logits = model.forward(batch.ids(), batch.positions(), batch.mask(), null, batch.firstLogit());
            NDArray predicting = logits.get(":, :{}, :", longestCompletion); // [B, T, V]
            NDArray logSoftmax = Scalars.div(predicting, t).logSoftmax(2); // [B, T, V]
            NDArray target = batch.targets().reshape(b, longestCompletion, 1); // [B, T, 1]
            NDArray logProbs = logSoftmax.gather(target, 2).squeeze(2).mul(batch.valid()); // [B, T]
            // Entropy is a metric unless an entropy bonus needs its gradient: computed from detached
            // log-probs it keeps no [B, T, V] arrays alive in the autograd graph.
            NDArray detached = entropyGradient ? logSoftmax : logSoftmax.stopGradient(); // [B, T, V]
            NDArray entropy = detached.exp().mul(detached).sum(new int[] {2}).neg().mul(batch.valid()); // [B, T]
            logProbs.attach(manager);
            entropy.attach(manager);
            return new TokenScores(logProbs, entropy);
        }
    }

    /**
     * As {@link #score} on each micro-batch; a reference made by {@link #offloadedCopy} reads its weights once
     * for all of them.
     */
    @Override
    public List<TokenScores> scoreEach(NDManager manager, List<List<int[]>> prompts, List<List<int[]>> completions,
            double temperature) {
        if (!(model instanceof OffloadedModel offloaded)) {
            return TransformerPolicy.super.scoreEach(manager, prompts, completions, temperature);
        }
        float t = temperature == 0.0 ? 1f : (float) temperature;
        try (NDManager scope = manager.newSubManager()) {
            List<ChunkedScoring.Batch> batches = new ArrayList<>(prompts.size());
            for (int i = 0; i < prompts.size(); i++) {
                batches.add(layout(prompts.get(i), completions.get(i)).batch(scope, t));
            }
            List<TokenScores> out = new ArrayList<>(batches.size());
            for (NDArray[] r : offloaded.values(batches, memory, manager)) {
                out.add(new TokenScores(r[0], r[1]));
            }
            return out;
        }
    }

    /**
     * A frozen copy of this policy's weights as they are now, kept in a file instead of memory (under
     * {@code directory}, or the system's temporary directory when null; deleted when the copy is closed): it
     * scores exactly as {@link #copy()} does, streaming the weights one decoder layer at a time, but it cannot
     * generate. The lean reference model of full fine-tuning ({@code training.ref_param_offload}).
     *
     * @param directory where the weights' file goes, or null
     * @return the copy
     * @throws IllegalStateException when the policy has LoRA adapters (their reference shares the weights)
     */
    public LanguageModelPolicy offloadedCopy(Path directory) {
        if (hasAdapter()) {
            throw new IllegalStateException("a LoRA policy's reference is its base model; it needs no copy");
        }
        return new LanguageModelPolicy(OffloadedModel.snapshot(transformer("an offloaded copy"), directory), tokenizer)
                .memory(memory);
    }

    /**
     * Scores a micro-batch of the update, inside a gradient collector. With more completion tokens than
     * the memory settings' chunk, or with gradient checkpointing, the log-probs come from
     * {@link ChunkedScoring} and the backward pass is done in chunks; otherwise from {@link #score}.
     * The chunked backward carries the gradient of the log-probs only, so a differentiable entropy (an
     * entropy bonus) always takes the unchunked path: neither chunking nor checkpointing applies then.
     *
     * @param scope       owns the arrays; close it after {@link UpdateScores#backward}
     * @param prompts     token ids of the prompt of each row
     * @param completions token ids of the completion of each row
     * @param temperature the sampling temperature (0 scores at 1)
     * @param entropyGradient whether the entropies must be differentiable (loss.entropy_coeff != 0)
     * @return the scores and their backward pass
     */
    public UpdateScores scoreForUpdate(NDManager scope, List<int[]> prompts, List<int[]> completions,
            double temperature, boolean entropyGradient) {
        Layout layout = layout(prompts, completions);
        if (!entropyGradient && model instanceof Transformer transformer
                && (memory.gradientCheckpointing() || memory().chunks(layout.tokens()))) {
            float t = temperature == 0.0 ? 1f : (float) temperature;
            ChunkedScoring.Training training = ChunkedScoring.forTraining(transformer, scope, layout.batch(scope, t),
                    memory().chunkFor(layout.tokens()), memory.gradientCheckpointing());
            return new UpdateScores.Computed(training.logProbs(), training.entropy(), true, training::backward);
        }
        return UpdateScores.plain(score(scope, prompts, completions, temperature, entropyGradient));
    }

    /**
     * Sets how scoring trades compute for memory (chunked log-probs, gradient checkpointing); the values
     * are the same up to float rounding.
     *
     * @param settings chunk size and checkpointing
     * @return this policy
     */
    public LanguageModelPolicy memory(MemorySettings settings) {
        this.memory = settings;
        return this;
    }

    /**
     * How scoring trades compute for memory.
     *
     * @return the settings in effect
     */
    public MemorySettings memory() {
        // with LoRA the update's logits are most of its peak; with full fine-tuning the weights, gradients
        // and AdamW are, and smaller chunks cost time (the head runs twice) for almost no memory
        return hasAdapter() ? memory.forVocab(model.vocabSize()) : memory;
    }

    /**
     * {@code [left-padded prompt | right-padded completion]} rows: the logits at position {@code L - 1 + j}
     * (L the padded prompt length) predict completion token j.
     */
    private record Layout(int rows, int width, int longestPrompt, int longestCompletion, long[] ids,
            long[] positions, long[] mask, long[] targets, float[] completionMask, long tokens) {

        /** The arrays, owned by PyTorch: backward runs after the caller's scope may have closed. */
        ChunkedScoring.Batch batch(NDManager scope, float temperature) {
            Shape shape = new Shape(rows, width);
            Shape out = new Shape(rows, longestCompletion);
            return new ChunkedScoring.Batch(OwnedArrays.of(scope, ids, shape), OwnedArrays.of(scope, positions, shape),
                    OwnedArrays.of(scope, mask, shape), longestPrompt - 1, OwnedArrays.of(scope, targets, out),
                    OwnedArrays.of(scope, completionMask, out), temperature);
        }
    }

    private Layout layout(List<int[]> prompts, List<int[]> completions) {
        if (prompts.size() != completions.size()) {
            throw new IllegalArgumentException(
                    prompts.size() + " prompts but " + completions.size() + " completions; need one per row");
        }
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("score needs at least one row");
        }
        int b = prompts.size();
        int longestPrompt = 1;
        int longestCompletion = 1; // at least one column so shapes stay valid for empty completions
        for (int r = 0; r < b; r++) {
            if (prompts.get(r).length == 0) {
                throw new Grpo4jException("prompt of row " + r + " has no tokens; every prompt needs at least one");
            }
            longestPrompt = Math.max(longestPrompt, prompts.get(r).length);
            longestCompletion = Math.max(longestCompletion, completions.get(r).length);
        }
        int width = longestPrompt + longestCompletion;
        if (width > model.maxPositions()) {
            // Only the longest prompt plus its own completion must fit; padding columns are masked.
            int worst = 0;
            for (int r = 0; r < b; r++) {
                worst = Math.max(worst, prompts.get(r).length + completions.get(r).length);
            }
            if (worst > model.maxPositions()) {
                throw new Grpo4jException("a prompt plus its completion has " + worst
                        + " tokens, but the model accepts at most " + model.maxPositions());
            }
        }
        long[] ids = new long[b * width];
        long[] positions = new long[b * width];
        long[] mask = new long[b * width];
        long[] targets = new long[b * longestCompletion];
        float[] completionMask = new float[b * longestCompletion];
        Arrays.fill(ids, tokenizer.padId());
        for (int r = 0; r < b; r++) {
            int[] p = prompts.get(r);
            int[] c = completions.get(r);
            int offset = longestPrompt - p.length;
            for (int j = 0; j < p.length; j++) {
                ids[r * width + offset + j] = p[j];
                positions[r * width + offset + j] = j;
                mask[r * width + offset + j] = 1;
            }
            for (int j = 0; j < c.length; j++) {
                ids[r * width + longestPrompt + j] = c[j];
                positions[r * width + longestPrompt + j] = p.length + j;
                mask[r * width + longestPrompt + j] = 1;
                targets[r * longestCompletion + j] = c[j];
                completionMask[r * longestCompletion + j] = 1f;
            }
        }
        int vocab = model.vocabSize();
        for (int r = 0; r < b; r++) {
            checkIds(prompts.get(r), vocab, "prompt", r);
            checkIds(completions.get(r), vocab, "completion", r);
        }
        return new Layout(b, width, longestPrompt, longestCompletion, ids, positions, mask, targets, completionMask,
                (long) b * longestCompletion);
    }

    private static void checkIds(int[] ids, int vocab, String what, int row) {
        for (int j = 0; j < ids.length; j++) {
            if (ids[j] < 0 || ids[j] >= vocab) {
                throw new Grpo4jException(what + " of row " + row + " has id " + ids[j] + " at token " + j
                        + ", outside the model's vocabulary [0, " + vocab + ")");
            }
        }
    }

    @Override
    public String decode(int[] completion) {
        return tokenizer.decode(completion);
    }

    @Override
    public Map<String, NDArray> parameters() {
        return model.parameters();
    }

    @Override
    public LanguageModelPolicy copy() {
        return new LanguageModelPolicy(model.copy(), tokenizer).memory(memory);
    }

    /**
     * θ ← α·θ_source + (1−α)·θ, in place, parameter by parameter. Call outside a gradient collector.
     *
     * @throws IllegalArgumentException if the parameter names or shapes differ
     */
    @Override
    public void mixFrom(Policy source, double alpha) {
        Map<String, NDArray> mine = parameters();
        Map<String, NDArray> theirs = source.parameters();
        if (!mine.keySet().equals(theirs.keySet())) {
            throw new IllegalArgumentException("cannot mix policies with different parameters: "
                    + mine.keySet() + " vs " + theirs.keySet());
        }
        for (var e : mine.entrySet()) {
            NDArray target = e.getValue();
            NDArray from = theirs.get(e.getKey());
            if (!target.getShape().equals(from.getShape())) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has shape " + target.getShape()
                        + " here but " + from.getShape() + " in the source");
            }
            // from.mul lands in the source's manager: close it right away.
            try (NDArray scaled = from.mul((float) alpha)) {
                target.muli((float) (1.0 - alpha)).addi(scaled);
            }
        }
    }

    /**
     * Writes the model ({@link CausalLm#save}) and the tokenizer ({@link Tokenizer#save}) into {@code directory};
     * with LoRA adapters, the adapter in PEFT's layout ({@link #saveAdapter}) instead of the model.
     */
    @Override
    public void save(Path directory) {
        if (hasAdapter()) {
            saveAdapter(directory);
        } else {
            model.save(directory);
        }
        tokenizer.save(directory);
    }

    @Override
    public void addAdapter(LoraSection settings, long seed) {
        transformer("LoRA").attachAdapters(LoraAdapters.init(transformer("LoRA").config(), settings, seed));
    }

    @Override
    public void loadAdapter(Path directory) {
        Transformer t = transformer("an adapter");
        if (t.adapters() != null) {
            throw new IllegalStateException("this policy has LoRA adapters already");
        }
        t.attachAdapters(PeftAdapter.read(directory, t.config(), null, 0));
    }

    @Override
    public void saveAdapter(Path directory) {
        Transformer t = transformer("an adapter");
        if (t.adapters() == null) {
            throw new IllegalStateException("this policy has no LoRA adapters to save");
        }
        PeftAdapter.write(directory, t.adapters(), t.nameOrPath());
    }

    @Override
    public boolean hasAdapter() {
        return model instanceof Transformer t && t.adapters() != null;
    }

    @Override
    public LanguageModelPolicy withoutAdapter() {
        if (!hasAdapter()) {
            throw new IllegalStateException("this policy has no LoRA adapters");
        }
        return new LanguageModelPolicy(((Transformer) model).baseView(), tokenizer).memory(memory);
    }

    private Transformer transformer(String what) {
        if (!(model instanceof Transformer t)) {
            throw new IllegalStateException(what + " needs a transformer model, not " + model.getClass().getSimpleName());
        }
        return t;
    }

    @Override
    public void close() {
        model.close();
    }
}
