package io.github.grpo4j.internal.report;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a run's report: {@code report.html} and the PNG plots it shows in {@code plots/} beside it.
 * Works on a finished run and on one in progress; the trainer calls {@link #write(Path)} at the end of
 * every run, and {@code grpo4j report RUN_DIR} calls it at any time.
 */
public final class RunReport {
    /** Name of the page written into the output directory. */
    public static final String HTML = "report.html";
    /** Folder (beside the page) holding the PNG plots. */
    public static final String PLOTS_DIR = "plots";

    private RunReport() {}

    /** Writes the report of {@code runDir} into {@code runDir} itself; returns the path of {@code report.html}. */
    public static Path write(Path runDir) {
        return write(runDir, runDir);
    }

    /**
     * Writes the report of {@code runDir} into {@code outDir} ({@code report.html} and {@code plots/*.png}),
     * creating {@code outDir} when missing. A plot whose metrics are absent is not drawn (an earlier
     * PNG of it is removed) and the page says so.
     *
     * @return the path of the written {@code report.html}
     * @throws Grpo4jException when {@code runDir} or its {@code metrics.jsonl} is missing or malformed,
     *                         or the output cannot be written
     */
    public static Path write(Path runDir, Path outDir) {
        RunData run = RunData.load(runDir);
        Path plotDir = outDir.resolve(PLOTS_DIR);
        try {
            Files.createDirectories(plotDir);
        } catch (IOException e) {
            throw new Grpo4jException("cannot create report folder " + plotDir + ": " + IoErrors.reason(e), e);
        }
        List<HtmlReport.Plot> plots = new ArrayList<>();
        for (PlotSpec spec : PlotSpec.STANDARD) {
            plots.add(plot(spec, run, plotDir));
        }
        Path html = outDir.resolve(HTML);
        Path tmp = RunFiles.tempSibling(html);
        try {
            // written beside and moved, so a browser reloading during a run never sees half a page
            Files.writeString(tmp, HtmlReport.render(run, plots), StandardCharsets.UTF_8);
            Files.move(tmp, html, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new Grpo4jException("cannot write " + html + ": " + IoErrors.reason(e), e);
        } finally {
            deleteQuietly(tmp);
        }
        return html;
    }

    private static HtmlReport.Plot plot(PlotSpec spec, RunData run, Path plotDir) {
        List<String> keys = spec.select(run.series().keySet());
        Path png = plotDir.resolve(spec.id() + ".png");
        try {
            if (keys.isEmpty()) {
                Files.deleteIfExists(png); // stale from an earlier report of this run
                return new HtmlReport.Plot(spec, keys, null, "no values of " + spec.needs() + " in " + RunFiles.METRICS);
            }
            Plotter.write(spec, keys, run.series(), png);
            return new HtmlReport.Plot(spec, keys, PLOTS_DIR + "/" + png.getFileName(), null);
        } catch (IOException | RuntimeException e) {
            // one failing plot must not cost the whole report (e.g. at the end of a long run)
            deleteQuietly(png); // the page will not reference it
            return new HtmlReport.Plot(spec, keys, null, "drawing failed: " + e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort: a leftover file does no harm to the page
        }
    }
}
