package io.github.grpo4j.internal.train;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * An exclusive lock on a run directory: the file {@code run.lock} locked with
 * {@link FileChannel#tryLock()} and holding the owner's PID, so a second run on the same directory is
 * refused instead of interleaving its logs and deleting the first one's checkpoints.
 *
 * <p>The operating system drops the lock when the process ends, however it ends (a {@code kill -9}
 * leaves a stale file that the next run simply locks again). Within one JVM the lock is re-entrant for
 * the thread that holds it (the built-in run locks its directory for the SFT warm start and the GRPO
 * run), and refused to any other thread.
 */
public final class RunLock implements AutoCloseable {

    /** Name of the lock file in a run directory. */
    public static final String FILE_NAME = "run.lock";

    /** Locks held by this JVM, by lock file, with their owning thread and re-entry count. */
    private static final Map<Path, Held> HELD = new HashMap<>();

    private static final class Held {
        final Thread owner;
        final FileChannel channel;
        final FileLock lock;
        int count = 1;

        Held(Thread owner, FileChannel channel, FileLock lock) {
            this.owner = owner;
            this.channel = channel;
            this.lock = lock;
        }
    }

    private final Path file;
    private boolean released;

    private RunLock(Path file) {
        this.file = file;
    }

    /**
     * Locks {@code dir} (which must exist) for this run.
     *
     * @throws Grpo4jException naming the holder's PID when another run holds the directory
     */
    public static RunLock acquire(Path dir) {
        Path file = dir.resolve(FILE_NAME).toAbsolutePath().normalize();
        synchronized (HELD) {
            Held held = HELD.get(file);
            if (held != null) {
                if (held.owner == Thread.currentThread()) {
                    held.count++;
                    return new RunLock(file);
                }
                throw busy(dir, file, ProcessHandle.current().pid() + ", this process");
            }
            FileChannel channel = null;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // another channel of this JVM holds it (not through this class)
                }
                if (lock == null) {
                    channel.close();
                    throw busy(dir, file, holder(file));
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                channel.force(false);
                HELD.put(file, new Held(Thread.currentThread(), channel, lock));
                return new RunLock(file);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new Grpo4jException("cannot lock output_dir " + dir + " (" + file + "): " + IoErrors.reason(e), e);
            }
        }
    }

    /** The PID written in a lock file, or "unknown" when it cannot be read. */
    static String holder(Path file) {
        try {
            String pid = Files.readString(file, StandardCharsets.UTF_8).trim();
            return pid.isEmpty() ? "unknown" : pid;
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Grpo4jException busy(Path dir, Path file, String pid) {
        return new Grpo4jException("output_dir " + dir + " is in use by another run (PID " + pid + ", lock " + file
                + "); wait for it to end or choose another output_dir");
    }

    /** Whether this JVM holds the lock of {@code dir}. */
    public static boolean isHeld(Path dir) {
        synchronized (HELD) {
            return HELD.containsKey(dir.resolve(FILE_NAME).toAbsolutePath().normalize());
        }
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    /** Releases this hold; the lock itself goes when the last hold of this JVM is released. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (released) {
                return;
            }
            released = true;
            Held held = HELD.get(file);
            if (held == null || --held.count > 0) {
                return;
            }
            HELD.remove(file);
            try {
                held.lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it as well
            }
            closeQuietly(held.channel);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }
}
