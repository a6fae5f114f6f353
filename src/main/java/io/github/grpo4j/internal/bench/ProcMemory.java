package io.github.grpo4j.internal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory of this process from {@code /proc/self/status}: current ({@code VmRSS}) and peak
 * ({@code VmHWM}). Native (PyTorch) memory counts too, which the JVM's own heap figures would miss.
 * Both read -1 where there is no /proc (not Linux).
 */
public final class ProcMemory {
    private ProcMemory() {}

    /** Current resident set size in bytes, or -1. */
    public static long residentBytes() {
        return field("VmRSS:");
    }

    /** Peak resident set size in bytes, or -1. */
    public static long peakResidentBytes() {
        return field("VmHWM:");
    }

    /**
     * Resets the peak ({@code VmHWM}) to the current resident size, by writing 5 to
     * {@code /proc/self/clear_refs} (Linux 4.0 and later), so the next {@link #peakResidentBytes} is the
     * peak since now.
     *
     * @return false where that is not possible (no /proc, older kernel, not permitted)
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long field(String name) {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/status")), name);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The value of {@code name} (a "... kB" line of /proc/pid/status) in bytes, or -1 when absent. */
    static long parse(List<String> lines, String name) {
        for (String line : lines) {
            if (line.startsWith(name)) {
                String[] parts = line.substring(name.length()).trim().split("\\s+");
                long value = Long.parseLong(parts[0]);
                return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
            }
        }
        return -1;
    }
}
