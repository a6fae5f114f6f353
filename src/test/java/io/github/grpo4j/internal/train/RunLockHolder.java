package io.github.grpo4j.internal.train;

import java.nio.file.Path;

/** A second process for {@link RunLockTest}: locks a run directory, says so, and holds it until stdin closes. */
public final class RunLockHolder {
    private RunLockHolder() {}

    /**
     * Entry point.
     *
     * @param args the run directory
     * @throws Exception when stdin cannot be read
     */
    public static void main(String[] args) throws Exception {
        try (RunLock lock = RunLock.acquire(Path.of(args[0]))) {
            System.out.println("LOCKED");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our stdin
            }
        }
    }
}
