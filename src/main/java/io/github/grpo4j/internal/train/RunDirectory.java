package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.config.ConfigDiff;
import io.github.grpo4j.internal.config.ConfigIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A run's output directory while a run uses it: created when missing, locked ({@link RunLock}) so no
 * second run can use it at the same time, and holding the run's {@code config.yaml}.
 *
 * <p>On a resume, the config is compared with the {@code config.yaml} the run was started with: a
 * change is refused, naming each changed key, unless changes are allowed; then the earlier file is kept
 * as {@code config-1.yaml} ({@code config-2.yaml}, … for later changes, oldest first) and
 * {@code config.yaml} is always the config the run continues with. A changed seed is refused either
 * way: it changes every random draw, so the result would match no run. How often the run logs and saves
 * ({@code checkpoint.save_steps}, {@code checkpoint.save_total_limit}, {@code logging.logging_steps}) may
 * change freely (the history is still kept).
 *
 * <p>{@link #close()} releases the lock, and removes the directory again when this run created it and
 * left nothing in it (it failed before writing anything), so a failed start leaves no stray directory.
 */
public final class RunDirectory implements AutoCloseable {

    /** Keys that say how often to log and save, not what the run computes: they may change on resume. */
    static final java.util.Set<String> OPERATIONAL_KEYS = java.util.Set.of("checkpoint.save_steps",
            "checkpoint.save_total_limit", "logging.logging_steps");

    private final Path dir;
    private final boolean created;
    private final RunLock lock;

    private RunDirectory(Path dir, boolean created, RunLock lock) {
        this.dir = dir;
        this.created = created;
        this.lock = lock;
    }

    /**
     * Creates (when missing) and locks a run directory.
     *
     * @throws Grpo4jException when it cannot be created, or another run holds it (naming its PID)
     */
    public static RunDirectory open(Path dir) {
        boolean created = !Files.exists(dir);
        RunParts.ensureDir(dir);
        RunLock lock = RunLock.acquire(dir);
        return new RunDirectory(dir, created, lock);
    }

    /** The directory. */
    public Path path() {
        return dir;
    }

    /**
     * Checks a resumed run's config against the {@code config.yaml} the run was made with; does nothing
     * when there is none.
     *
     * @param config        the config the run continues with
     * @param allowChanges  whether changed keys (other than {@code seed}) are accepted
     * @throws Grpo4jException naming every changed key (old -> new) when changes are not allowed, or the
     *     seed changed
     */
    public void checkResumedConfig(Record config, boolean allowChanges) {
        Path file = dir.resolve(ConfigIo.RESOLVED_FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return;
        }
        List<ConfigDiff.Change> changes = ConfigDiff.between(read(file), config).stream()
                .filter(c -> !OPERATIONAL_KEYS.contains(c.key())).toList();
        for (ConfigDiff.Change c : changes) {
            if (c.key().equals("seed")) {
                throw new Grpo4jException(file + " was made with seed " + c.oldValue() + " but the config says "
                        + c.newValue() + "; a resumed run keeps its seed");
            }
        }
        if (!changes.isEmpty() && !allowChanges) {
            throw new Grpo4jException("the config differs from " + file + ", which this run was started with: "
                    + changes.stream().map(ConfigDiff.Change::toString).collect(Collectors.joining(", "))
                    + "; resume with the same config, or pass --allow-config-change to continue with the new one");
        }
    }

    /**
     * Writes {@code config.yaml}. For a resumed run, one with other contents is first renamed to the next
     * free {@code config-N.yaml}, so the file a run started with is never lost; a run that starts over
     * replaces it.
     */
    public void writeConfig(Record config, boolean resumed) {
        Path file = dir.resolve(ConfigIo.RESOLVED_FILE_NAME);
        if (resumed && Files.isRegularFile(file)) {
            if (ConfigDiff.between(read(file), config).isEmpty()) {
                return;
            }
            try {
                Files.move(file, nextHistoryFile());
            } catch (IOException e) {
                throw new Grpo4jException("cannot keep the earlier " + file + ": " + e.getMessage(), e);
            }
        }
        ConfigIo.write(config, file);
    }

    /** The earlier configs of this run ({@code config-N.yaml}), oldest first. */
    public List<Path> configHistory() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("config-\\d+\\.yaml"))
                    .sorted(java.util.Comparator.comparingInt(RunDirectory::historyNumber))
                    .toList();
        } catch (IOException e) {
            throw new Grpo4jException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path nextHistoryFile() {
        int n = configHistory().stream().mapToInt(RunDirectory::historyNumber).max().orElse(0) + 1;
        return dir.resolve("config-" + n + ".yaml");
    }

    private static int historyNumber(Path p) {
        String name = p.getFileName().toString();
        return Integer.parseInt(name.substring("config-".length(), name.length() - ".yaml".length()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Grpo4jException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Releases the lock; removes the directory when this run created it and wrote nothing into it. */
    @Override
    public void close() {
        lock.close();
        if (!created) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> left = s.toList();
            if (left.size() == 1 && left.get(0).getFileName().toString().equals(RunLock.FILE_NAME)
                    && !RunLock.isHeld(dir)) { // an enclosing run (the built-in run) keeps it
                Files.delete(left.get(0));
                Files.delete(dir);
            }
        } catch (IOException e) {
            // best effort: an empty directory left behind is harmless
        }
    }
}
