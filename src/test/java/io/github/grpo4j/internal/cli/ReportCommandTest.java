package io.github.grpo4j.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReportCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void writesTheReportIntoTheRunDirectoryOrIntoOut() throws IOException {
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"step\": 1, \"loss\": 0.5}\n{\"step\": 2, \"loss\": 0.25}\n");
        assertThat(run("report", dir.toString())).isZero();
        assertThat(out.toString()).contains("wrote " + dir.resolve("report.html"));
        assertThat(dir.resolve("plots/loss.png")).isRegularFile();

        Path elsewhere = dir.resolve("elsewhere");
        assertThat(run("report", dir.toString(), "--out", elsewhere.toString())).isZero();
        assertThat(elsewhere.resolve("report.html")).isRegularFile();
        assertThat(elsewhere.resolve("plots/loss.png")).isRegularFile();
    }

    @Test
    void missingRunDirectoryExitsWith2AndAClearMessageWithoutStackTrace() {
        assertThat(run("report", dir.resolve("missing").toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("error: run directory " + dir.resolve("missing") + " does not exist")
                .doesNotContain("\tat ");
    }

    @Test
    void runDirectoryWithoutMetricsExitsWith2NamingTheFile() {
        assertThat(run("report", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("error: no metrics.jsonl in " + dir);
    }

    @Test
    void helpDescribesTheArgumentAndTheOutDefault() {
        assertThat(run("report", "--help")).isZero();
        assertThat(out.toString()).contains("Usage: grpo4j report", "RUN_DIR", "--out=DIR", "(default: RUN_DIR)");
    }
}
