package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {

    /** Starts a JVM on this test's class path running {@code main}. */
    static Process java(Class<?> main, String... args) throws Exception {
        var cmd = new java.util.ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(java.util.List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    @Test
    void aSecondProcessIsRefusedNamingTheHoldersPidUntilTheHolderEnds(@TempDir Path dir) throws Exception {
        Process holder = java(RunLockHolder.class, dir.toString());
        try {
            var out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("LOCKED");
            assertThatThrownBy(() -> RunLock.acquire(dir))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("in use by another run")
                    .hasMessageContaining("PID " + holder.pid() + ",")
                    .hasMessageNotContaining("\n");
            assertThatThrownBy(() -> RunDirectory.open(dir)).hasMessageContaining("PID " + holder.pid() + ",");
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (RunLock lock = RunLock.acquire(dir)) {
            assertThat(Files.readString(lock.file()).trim()).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }

    @Test
    void aKilledHoldersStaleLockFileDoesNotBlockTheNextRun(@TempDir Path dir) throws Exception {
        Process holder = java(RunLockHolder.class, dir.toString());
        var out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("LOCKED");
        holder.destroyForcibly(); // SIGKILL: no cleanup runs
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(dir.resolve(RunLock.FILE_NAME)).exists();
        try (RunLock lock = RunLock.acquire(dir)) {
            assertThat(RunLock.isHeld(dir)).isTrue();
        }
        assertThat(RunLock.isHeld(dir)).isFalse();
    }

    @Test
    void withinOneJvmTheLockIsReentrantForItsThreadAndRefusedToOthers(@TempDir Path dir) throws Exception {
        try (RunLock outer = RunLock.acquire(dir)) {
            try (RunLock inner = RunLock.acquire(dir)) {
                assertThat(RunLock.isHeld(dir)).isTrue();
            }
            assertThat(RunLock.isHeld(dir)).as("the outer hold remains").isTrue();
            CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
                try (RunLock l = RunLock.acquire(dir)) {
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertThat(other.get(30, TimeUnit.SECONDS)).isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("PID " + ProcessHandle.current().pid() + ", this process");
        }
        assertThat(RunLock.isHeld(dir)).isFalse();
    }
}
