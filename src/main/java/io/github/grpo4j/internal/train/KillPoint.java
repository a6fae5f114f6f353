package io.github.grpo4j.internal.train;

import java.util.HashMap;
import java.util.Map;

/**
 * Named moments inside a run's file writes (between the files of a checkpoint, before the SFT model is
 * renamed into place, after the final save) where a fault-injection test can stop the process.
 *
 * <p>Inert unless the system property {@value #PROPERTY} is set, to {@code name} or {@code name#k}
 * (the k-th time that point is reached): then the process announces {@code KILL-POINT name} on
 * standard error and waits there forever, so the test can {@code kill -9} it at exactly that moment.
 * Random kills rarely land inside a write that takes milliseconds; these points make sure some do.
 */
public final class KillPoint {

    /** The system property naming the point to stop at. */
    public static final String PROPERTY = "grpo4j.test.killPoint";

    /** What the process prints on standard error when it stops at a point. */
    public static final String ANNOUNCEMENT = "KILL-POINT ";

    private static final Map<String, Integer> REACHED = new HashMap<>();

    private KillPoint() {}

    /** Marks that the run reached {@code name}; waits forever when that is the point asked for. */
    public static void reach(String name) {
        String wanted = System.getProperty(PROPERTY);
        if (wanted == null) {
            return;
        }
        int hash = wanted.indexOf('#');
        String point = hash < 0 ? wanted : wanted.substring(0, hash);
        int occurrence = hash < 0 ? 1 : Integer.parseInt(wanted.substring(hash + 1));
        int count;
        synchronized (REACHED) {
            count = REACHED.merge(name, 1, Integer::sum);
        }
        if (!point.equals(name) || count != occurrence) {
            return;
        }
        System.err.println(ANNOUNCEMENT + wanted);
        System.err.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
