package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restoring the optimizer on resume prints nothing from libtorch. DJL's {@code NDArray.set} went through
 * a deprecated libtorch guard that printed "AutoNonVariableTypeMode is deprecated ..." once per process,
 * so the check needs a fresh JVM.
 */
class AdamWResumeTest {
    @TempDir
    Path dir;

    @Test
    void loadingMomentsPrintsNoLibtorchWarning() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("out.log");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
                "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
                OptimizerLoadMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("precondition: the moments were restored").contains("restored m.w = [0.5, -1.0, 2.0] step 7");
        assertThat(out).doesNotContain("deprecated").doesNotContain("Warning:");
    }
}
