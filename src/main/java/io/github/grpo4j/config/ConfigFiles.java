package io.github.grpo4j.config;

import io.github.grpo4j.internal.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;

/** Reads a {@link GrpoConfig} from a YAML or JSON file, as the command line does. */
public final class ConfigFiles {
    private ConfigFiles() {}

    /**
     * Loads a YAML or JSON config file, as {@code grpo4j train --config FILE --set KEY=VALUE} does:
     * validated, with every problem reported at once by file, line and key (and the closest valid key
     * for a misspelt one), and the files it names checked to exist.
     *
     * <pre>{@code
     * GrpoConfig config = ConfigFiles.load(Path.of("run.yaml"), "loss.beta=0");
     * }</pre>
     *
     * @param file      a {@code .yaml}/{@code .yml} or {@code .json} file; null for the defaults
     * @param overrides {@code key=value} overrides with dotted keys, e.g. {@code "loss.beta=0"}
     * @return the validated config
     * @throws ConfigException listing every problem
     */
    public static GrpoConfig load(Path file, String... overrides) {
        return ConfigLoader.load(file, List.of(overrides));
    }
}
