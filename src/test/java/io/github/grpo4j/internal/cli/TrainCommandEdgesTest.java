package io.github.grpo4j.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.internal.config.ConfigLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code train}'s help and option checks that need no training. */
class TrainCommandEdgesTest {

    record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(400);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpQuotesTheBuiltInRunsStepsAndDirectoryFromItsConfig() {
        var builtIn = ConfigLoader.loadBuiltIn(List.of());
        Run r = run("train", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("built-in " + builtIn.training().maxSteps() + ")")
                .contains("built-in " + builtIn.outputDir() + ")")
                .doesNotContain("${sys:");
        assertThat(builtIn.training().maxSteps()).as("the README's figure").isEqualTo(1400);
    }

    @Test
    void anEmptyOutputDirIsAnErrorNotTheDefault() {
        Run r = run("train", "--output-dir", "", "--steps", "1", "--set", "model.config.hidden_size=8");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: --output-dir is empty");
    }

    @Test
    void sparkWithoutTheSparkModuleSaysHowToGetIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path config = dir.resolve("run.yaml");
        java.nio.file.Files.writeString(config, "data: {task: arithmetic}\noutput_dir: " + dir.resolve("run") + "\n");
        Run r = run("train", "--config", config.toString(), "--spark", "local[2]");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("error: --spark needs the grpo4j-spark module on the classpath")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("run")).as("nothing started").doesNotExist();
        Run builtIn = run("train", "--spark", "local[2]");
        assertThat(builtIn.exitCode()).isEqualTo(2);
        assertThat(builtIn.err()).contains("error: --spark needs --config FILE");
    }
}
