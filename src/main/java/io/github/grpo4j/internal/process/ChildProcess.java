package io.github.grpo4j.internal.process;

import io.github.grpo4j.internal.IoErrors;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An external process that cannot outlive the JVM that started it, however the JVM ends.
 *
 * <p>A child started with plain {@link ProcessBuilder#start()} keeps running, re-parented to PID 1,
 * when the JVM is killed (SIGKILL, the OOM killer, a crash), and on SIGTERM too unless something kills it.
 * Ctrl-C hides this because the terminal signals the whole process group. Two guards:
 * <ul>
 *   <li>The command runs in its own process group ({@code setsid}, where installed), with a small
 *       <em>watchdog</em> {@code sh} beside it that blocks reading a pipe from this JVM. The kernel closes
 *       that pipe when the JVM ends in any way, SIGKILL included; the watchdog then kills the whole group,
 *       so helpers the command started (a {@code bash -c} wrapper's child, a pool of workers) go too. The
 *       watchdog ignores SIGINT, SIGTERM and SIGHUP, so a signal to the JVM's group cannot stop it first.
 *   <li>A shutdown hook kills every live child when the JVM exits normally or on SIGTERM/SIGINT.
 * </ul>
 * {@link #close()} tells the watchdog to leave a command that ended on its own alone.
 */
public final class ChildProcess implements AutoCloseable {
    /** The watchdog: $1 is the group to kill, $2 says whether it is a process group (setsid ran). */
    private static final String WATCHDOG = "trap '' INT TERM HUP; IFS= read -r line;"
            + " if [ \"$line\" != done ]; then"
            + " if [ \"$2\" = group ]; then kill -KILL -\"$1\" 2>/dev/null; fi; kill -KILL \"$1\" 2>/dev/null; fi";
    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final String SETSID = onPath("setsid");
    /** How long children may take to end on their own when the JVM exits. */
    static final long EXIT_GRACE_MS = 2000;

    static {
        Thread hook = new Thread(ChildProcess::endAllAtExit, "grpo4j-kill-children");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private final Process process;
    private final Process watchdog;

    private ChildProcess(Process process, Process watchdog) {
        this.process = process;
        this.watchdog = watchdog;
    }

    /**
     * Starts {@code builder}'s command guarded as described above. The builder's directory, environment
     * and redirects apply; its command is run through {@code setsid} where that is installed.
     *
     * @throws IOException when the command cannot be started (e.g. no such program)
     */
    public static ChildProcess start(ProcessBuilder builder) throws IOException {
        List<String> command = List.copyOf(builder.command());
        boolean group = SETSID != null;
        if (group) {
            checkRunnable(command.get(0), builder); // else setsid would start and only then fail to run it
        }
        if (group) {
            List<String> wrapped = new java.util.ArrayList<>(command.size() + 1);
            wrapped.add(SETSID);
            wrapped.addAll(command);
            builder.command(wrapped);
        }
        Process p;
        try {
            p = builder.start();
        } finally {
            builder.command(command);
        }
        Process dog;
        try {
            dog = new ProcessBuilder("sh", "-c", WATCHDOG, "grpo4j-watchdog", Long.toString(p.pid()), group ? "group" : "pid")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            p.destroyForcibly();
            throw new IOException("cannot start the watchdog for " + command + ": " + IoErrors.reason(e), e);
        }
        ChildProcess child = new ChildProcess(p, dog);
        LIVE.add(child);
        return child;
    }

    /** {@return the process} */
    public Process process() {
        return process;
    }

    /** {@return the process id of the watchdog (for tests)} */
    long watchdogPid() {
        return watchdog.pid();
    }

    /** Kills the process, its descendants and its process group now, and waits up to 5 s for it to end. */
    public void kill() {
        destroyNow();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            watchdog.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(this);
    }

    /**
     * Releases the watchdog. A process still running is killed as by {@link #kill()}; one that ended on
     * its own is left alone (its process group id may already belong to someone else).
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
            return;
        }
        try (OutputStream out = watchdog.getOutputStream()) {
            out.write("done\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // the watchdog is gone already
        }
        LIVE.remove(this);
    }

    /**
     * The shutdown hook: first an end of input to every live child, which a JSON-lines process answers by
     * ending cleanly (as when its owner closes it; another hook, such as a Spark executor's, may be doing
     * that at the same moment), then, after up to {@link #EXIT_GRACE_MS} ms, kills whatever still runs.
     */
    private static void endAllAtExit() {
        List<ChildProcess> live = List.copyOf(LIVE);
        for (ChildProcess c : live) {
            try {
                c.process.getOutputStream().close();
            } catch (IOException ignored) {
                // its owner closed it already, or it is gone
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EXIT_GRACE_MS);
        for (ChildProcess c : live) {
            try {
                c.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (c.process.isAlive()) {
                c.destroyNow();
            } else {
                c.close(); // ended on its own: the watchdog leaves its process group alone
            }
        }
    }

    private void destroyNow() {
        // a wrapper (bash -c, a pyenv shim) may have started the real command as a child
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            watchdog.getOutputStream().close(); // EOF: the watchdog kills the whole process group
        } catch (IOException ignored) {
            // the watchdog is gone already
        }
    }

    private static void checkRunnable(String program, ProcessBuilder builder) throws IOException {
        boolean found;
        if (program.contains("/")) {
            Path dir = builder.directory() == null ? Path.of("") : builder.directory().toPath();
            Path p = dir.resolve(program);
            found = Files.isRegularFile(p) && Files.isExecutable(p);
        } else {
            found = onPath(program, builder.environment().get("PATH")) != null;
        }
        if (!found) {
            throw new IOException("Cannot run program \"" + program + "\": error=2, No such file or directory");
        }
    }

    private static String onPath(String program) {
        return onPath(program, System.getenv("PATH"));
    }

    private static String onPath(String program, String path) {
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }
}
