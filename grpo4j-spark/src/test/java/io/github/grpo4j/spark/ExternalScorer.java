package io.github.grpo4j.spark;

import io.github.grpo4j.config.GrpoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An external reward process (a POSIX shell script) that writes {@code start PID} to a log file when it
 * starts and {@code end PID} when its standard input closes (the run, or the executor JVM, ending it); it
 * scores every completion 0, so the runs' rewards are the length reward's.
 */
final class ExternalScorer {
    private ExternalScorer() {}

    /** Writes the script into {@code dir}. */
    static Path write(Path dir) throws IOException {
        Path script = dir.resolve("scorer.sh");
        Files.writeString(script, """
                log="$1"
                echo "start $$" >> "$log"
                # one group of G = 4 completions per request: a spark task and rollout_seeding: group score per group
                while read -r line; do echo "[0, 0, 0, 0]"; done
                echo "end $$" >> "$log"
                """);
        return script;
    }

    /** The equivalence config with the scorer as a second reward, logging to {@code log}. */
    static GrpoConfig config(Path out, Path script, Path log) {
        return SparkEquivalenceTest.withRewards(out, """
                  - name: ext
                    type: external
                    params: {command: [sh, %s, %s], timeout_s: 120}
                """.formatted(script.toAbsolutePath(), log.toAbsolutePath()));
    }

    /**
     * {@code [started, ended]} processes of the log, once every started process is gone (waiting up to
     * {@code seconds}: executors end theirs as their JVMs stop).
     */
    static int[] events(Path log, int seconds) throws IOException, InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (true) {
            List<Long> started = new ArrayList<>();
            int ended = 0;
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("start ")) {
                    started.add(Long.parseLong(line.substring(6).trim()));
                } else if (line.startsWith("end ")) {
                    ended++;
                }
            }
            boolean alive = started.stream().anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            if (!alive || System.nanoTime() > end) {
                if (alive) {
                    throw new AssertionError("a scorer process outlived its executor: " + started);
                }
                return new int[] {started.size(), ended};
            }
            Thread.sleep(500);
        }
    }
}
