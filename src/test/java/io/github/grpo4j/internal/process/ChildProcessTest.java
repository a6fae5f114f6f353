package io.github.grpo4j.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external scorer (and whatever it started) ends with the JVM that started it, even when that JVM is
 * killed with SIGKILL while the scorer is busy. The JVM here is a child of the test ({@link BusyScorer}).
 */
class ChildProcessTest {
    @TempDir
    Path dir;

    /** The scorer writes its own pid and a grandchild's, then stays busy without replying. */
    private static final String SCORER = """
            import os, subprocess, sys, time
            sys.stdin.readline()
            helper = subprocess.Popen(['sleep', '600'])
            with open(sys.argv[1] + '.tmp', 'w') as f:
                f.write('%d %d' % (os.getpid(), helper.pid))
            os.rename(sys.argv[1] + '.tmp', sys.argv[1])
            time.sleep(600)
            """;

    @Test
    void aScorerDiesWithItsJvmOnSigkill() throws Exception {
        killJvmWhileScorerIsBusy(true);
    }

    @Test
    void aScorerDiesWithItsJvmOnSigterm() throws Exception {
        killJvmWhileScorerIsBusy(false);
    }

    @Test
    void onSigtermAChildFirstGetsTheEndOfItsInputAndEndsCleanly() throws Exception {
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), IdleChild.class.getName(), log.toString())
                .redirectErrorStream(true).start();
        try {
            String ready = new String(jvm.getInputStream().readNBytes(6), StandardCharsets.UTF_8);
            assertThat(ready).as("precondition: the child runs").isEqualTo("ready\n");
            assertThat(log).as("precondition: the child has not ended").doesNotExist();
            jvm.destroy(); // SIGTERM: no owner closes the child; only the shutdown hook
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(log).as("the child read the end of its input and ended on its own").hasContent("end");
        } finally {
            jvm.destroyForcibly();
        }
    }

    private void killJvmWhileScorerIsBusy(boolean sigkill) throws Exception {
        Path pidFile = dir.resolve("pids");
        // BusyScorer runs "python3 score.py": the script finds the pid file through its own directory
        Files.writeString(dir.resolve("score.py"), "import sys\nsys.argv.append(" + pyString(pidFile.toString()) + ")\n" + SCORER);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process jvm = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                BusyScorer.class.getName(), dir.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("jvm.log").toFile())
                .start();
        List<Long> pids = new ArrayList<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(pidFile) && System.nanoTime() < deadline && jvm.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(pidFile).as("the scorer started (JVM log: %s)", log()).exists();
            for (String s : Files.readString(pidFile).trim().split(" ")) {
                pids.add(Long.parseLong(s));
            }
            assertThat(pids).as("precondition: scorer and its helper run").allMatch(ChildProcessTest::running);
            assertThat(jvm.isAlive()).isTrue();

            if (sigkill) {
                jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
            } else {
                jvm.destroy(); // SIGTERM
            }
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pids.stream().anyMatch(ChildProcessTest::running) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(pids).as("scorer and helper are gone after the JVM was killed").noneMatch(ChildProcessTest::running);
        } finally {
            jvm.destroyForcibly();
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)); // a failed run leaks nothing
        }
    }

    @Test
    void aCommandThatEndedOnItsOwnIsLeftAloneAndAMissingProgramIsAnIoError() throws Exception {
        ChildProcess done = ChildProcess.start(new ProcessBuilder("true"));
        assertThat(done.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        long dog = done.watchdogPid();
        done.close();
        ProcessHandle.of(dog).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(running(dog)).as("the watchdog exits once released").isFalse();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChildProcess.start(new ProcessBuilder("no-such-program-grpo4j")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot run program \"no-such-program-grpo4j\"");
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("jvm.log"));
        } catch (IOException e) {
            return "(none)";
        }
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Alive and not a zombie (a killed process whose parent has not reaped it yet is gone for us). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }
}
