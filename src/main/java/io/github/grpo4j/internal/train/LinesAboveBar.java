package io.github.grpo4j.internal.train;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The progress bar on a terminal, with lines printed above it as tqdm's {@code write} does.
 *
 * <p>The bar redraws itself from its own thread with a carriage return. A step's metrics line printed
 * while the bar sits on the cursor's line ran into it: the bar's next redraw overwrote the line's first
 * characters ("tep 4/60 | loss ...") and the two interleaved. Here every line goes through the same lock
 * as the bar's redraws: the bar's line is cleared, the line printed, and the bar drawn again below it,
 * never wider than the terminal (a wider bar wraps and each redraw leaves a copy behind).
 */
final class LinesAboveBar implements ProgressBarConsumer {
    private static final String CLEAR_LINE = "\r\033[2K";
    private static final String CLEAR_TO_END = "\033[K";

    private final PrintStream terminal;
    private final ConsoleProgressBarConsumer width; // knows the terminal's width
    private String drawn = "";

    /** @param terminal where the bar is drawn (standard error, a terminal) */
    LinesAboveBar(PrintStream terminal) {
        this.terminal = terminal;
        this.width = new ConsoleProgressBarConsumer(terminal);
    }

    /** A bar for steps {@code start..max} drawn by {@code lines}, redrawn every {@code updateMillis}. */
    static ProgressBar bar(String task, int max, int start, LinesAboveBar lines, int updateMillis) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(updateMillis)
                .setConsumer(lines)
                .build();
        bar.stepTo(start);
        return bar;
    }

    /** Prints {@code line} to {@code out}: above the bar when there is one ({@code lines} not null). */
    static void println(LinesAboveBar lines, PrintStream out, String line) {
        if (lines == null) {
            out.println(line);
        } else {
            lines.printAbove(out, line);
        }
    }

    @Override
    public int getMaxRenderedLength() {
        return width.getMaxRenderedLength();
    }

    @Override
    public synchronized void accept(String rendered) {
        int max = getMaxRenderedLength();
        drawn = max > 0 && rendered.length() > max ? rendered.substring(0, max) : rendered;
        terminal.print("\r" + drawn + CLEAR_TO_END);
        terminal.flush();
    }

    private synchronized void printAbove(PrintStream out, String line) {
        terminal.print(CLEAR_LINE);
        terminal.flush();
        out.println(line);
        out.flush();
        terminal.print(drawn);
        terminal.flush();
    }

    @Override
    public synchronized void close() {
        if (!drawn.isEmpty()) {
            terminal.println();
        }
        terminal.flush();
    }
}
