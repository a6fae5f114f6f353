package io.github.grpo4j.internal.cli;

/**
 * DJL settings every entry point needs: never download natives (they come from Maven), and use all
 * cores for intra-op parallelism. Values already set on the command line win.
 */
public final class Engines {
    private Engines() {}

    public static void configureDefaults() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // DJL probes for CUDA and warns on every CPU-only machine; nothing for a user to act on.
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
