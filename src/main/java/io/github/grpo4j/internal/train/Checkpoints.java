package io.github.grpo4j.internal.train;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import io.github.grpo4j.internal.model.Safetensors;
import io.github.grpo4j.policy.Policy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints of a run: {@code <output_dir>/checkpoint-<step>/} with the policy ({@code model/}, a
 * Hugging Face directory), the optimizer moments ({@code optimizer.safetensors}), the reference model
 * when it moves during training ({@code ref/}), and {@code trainer_state.json}.
 *
 * <p>A checkpoint is written under a temporary name and renamed when complete, so a run killed while
 * saving leaves a {@code .tmp} directory that is never picked up (and is deleted by the next save).
 */
public final class Checkpoints {

    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
    private static final String STATE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a checkpoint holds besides tensors.
     *
     * @param step           training steps completed
     * @param optimizerSteps AdamW updates done (μ per step)
     * @param tokensSeen     cumulative prompt + completion tokens
     * @param dataEpoch      data position: epoch of the next batch
     * @param dataIndex      data position: index within that epoch
     * @param seed           the run's seed (a resumed run must use the same)
     * @param seconds        wall-clock seconds the run had taken when this checkpoint was written, summed
     *                       over the processes that made it (0 in checkpoints of older versions)
     */
    public record TrainerState(int step, long optimizerSteps, long tokensSeen, int dataEpoch, int dataIndex, long seed,
            double seconds) {}

    private final Path runDir;
    private final int keepLast;

    /** @param keepLast how many checkpoints to keep; 0 keeps all */
    public Checkpoints(Path runDir, int keepLast) {
        this.runDir = runDir;
        this.keepLast = keepLast;
    }

    /** Writes checkpoint {@code state.step()} atomically and prunes old ones. */
    public Path save(TrainerState state, Policy policy, AdamW optimizer, Policy movingReference) {
        Path target = runDir.resolve("checkpoint-" + state.step());
        Path tmp = runDir.resolve("checkpoint-" + state.step() + ".tmp");
        try {
            Files.createDirectories(runDir);
            deleteTree(tmp);
            Files.createDirectories(tmp);
            policy.save(tmp.resolve("model"));
            KillPoint.reach("checkpoint.model");
            if (movingReference != null) {
                movingReference.save(tmp.resolve("ref"));
            }
            Map<String, Safetensors.Tensor> moments = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : optimizer.state().entrySet()) {
                moments.put(e.getKey(), Safetensors.Tensor.ofFloats(e.getValue().toFloatArray(),
                        e.getValue().getShape().getShape()));
            }
            Safetensors.write(tmp.resolve("optimizer.safetensors"), moments,
                    Map.of("optimizer", "adamw", "step", Long.toString(optimizer.step())));
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve(STATE).toFile(), state);
            KillPoint.reach("checkpoint.state");
            deleteTree(target);
            moveAtomically(tmp, target);
        } catch (IOException e) {
            throw new Grpo4jException("cannot write checkpoint " + target + ": " + IoErrors.reason(e), e);
        }
        prune();
        return target;
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Path> latest() {
        return list().stream().reduce((a, b) -> b);
    }

    /** Complete checkpoints, oldest first. */
    public List<Path> list() {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runDir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .sorted(Comparator.comparingInt(Checkpoints::stepOf))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new Grpo4jException(checkpoint + " is not a checkpoint directory (checkpoint-<step>)");
        }
        return Integer.parseInt(m.group(1));
    }

    public static TrainerState readState(Path checkpoint) {
        try {
            return JSON.readValue(checkpoint.resolve(STATE).toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new Grpo4jException("cannot read " + checkpoint.resolve(STATE) + ": " + IoErrors.reason(e), e);
        }
    }

    /** Restores optimizer moments saved by {@link #save}. */
    public static void loadOptimizer(Path checkpoint, AdamW optimizer, long steps) {
        Map<String, Safetensors.Tensor> t = Safetensors.read(checkpoint.resolve("optimizer.safetensors"));
        Map<String, float[]> state = new LinkedHashMap<>();
        for (var e : t.entrySet()) {
            state.put(e.getKey(), Safetensors.toFloatArray(e.getKey(), e.getValue()));
        }
        optimizer.load(state, steps);
    }

    private void prune() {
        if (keepLast <= 0) {
            return;
        }
        List<Path> all = new ArrayList<>(list());
        while (all.size() > keepLast) {
            deleteTree(all.remove(0));
        }
    }

    /** Renames a finished directory into place, atomically where the file system can. */
    static void moveAtomically(Path from, Path to) {
        try {
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to);
            }
        } catch (IOException e) {
            throw new Grpo4jException("cannot rename " + from + " to " + to + ": " + IoErrors.reason(e), e);
        }
    }

    /** Deletes {@code dir} and everything under it; nothing when it does not exist. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new Grpo4jException("cannot delete " + dir + ": " + IoErrors.reason(e), e);
        }
    }
}
