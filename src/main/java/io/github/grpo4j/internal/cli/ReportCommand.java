package io.github.grpo4j.internal.cli;

import io.github.grpo4j.internal.report.RunReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code grpo4j report RUN_DIR [--out DIR]}: plots and report.html for a run, finished or in progress. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description = {
            "Write report.html and PNG plots (plots/) for a training run directory.",
            "Works while the run is still going: it reports the steps logged so far."
        })
public final class ReportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_DIR",
            description = "Run directory of a grpo4j training run (holds metrics.jsonl).")
    Path runDir;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Folder for report.html and plots/ (default: RUN_DIR).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path html = RunReport.write(runDir, out == null ? runDir : out);
        spec.commandLine().getOut().println("wrote " + html.toAbsolutePath().normalize());
        return 0;
    }
}
