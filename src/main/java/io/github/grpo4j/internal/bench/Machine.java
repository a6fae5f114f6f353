package io.github.grpo4j.internal.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the numbers were measured on: CPU model and core count (from /proc/cpuinfo where there is
 * one), and whether the CPU has bfloat16 instructions.
 *
 * @param cpu          model name, or the OS architecture when unknown
 * @param processors   CPUs the JVM may use ({@code nproc})
 * @param bf16Capable  avx512_bf16 or amx_bf16 among the CPU flags
 */
public record Machine(String cpu, int processors, boolean bf16Capable) {

    /** This machine. */
    public static Machine current() {
        int n = Runtime.getRuntime().availableProcessors();
        try {
            return parse(Files.readAllLines(Path.of("/proc/cpuinfo")), n);
        } catch (IOException | RuntimeException e) {
            return new Machine(System.getProperty("os.arch"), n, false);
        }
    }

    /** From the lines of /proc/cpuinfo. */
    static Machine parse(List<String> cpuinfo, int processors) {
        String model = System.getProperty("os.arch");
        boolean bf16 = false;
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("model name") && !value.isEmpty()) {
                model = value;
            } else if (key.equals("flags")) {
                bf16 = (" " + value + " ").contains(" avx512_bf16 ") || (" " + value + " ").contains(" amx_bf16 ");
            }
        }
        return new Machine(model, processors, bf16);
    }
}
