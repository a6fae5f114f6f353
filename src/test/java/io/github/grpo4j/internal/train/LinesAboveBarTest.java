package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under a real pseudo-terminal (util-linux {@code script}), the per-step lines stay whole above the
 * progress bar: what a person sees is replayed through a small terminal model (carriage return, line
 * feed, erase-line, wrap at the width).
 */
class LinesAboveBarTest {
    private static final int COLUMNS = 80;
    private static final int STEPS = 6;

    @TempDir
    Path dir;

    @Test
    void stepLinesPrintWholeAboveTheBarOnATerminal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "stty cols " + COLUMNS + " rows 24; exec " + java + " -Xmx64m -XX:TieredStopAtLevel=1 -cp '"
                + System.getProperty("java.class.path") + "' " + BarDemo.class.getName() + " " + STEPS;
        Path typescript = dir.resolve("typescript");
        Process p = new ProcessBuilder("/usr/bin/script", "-q", "-e", "-c", cmd, typescript.toString())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("script.log").toFile())
                .start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the demo finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("script.log"))).isZero();
        String raw = Files.readString(typescript, StandardCharsets.UTF_8);
        assertThat(raw).as("precondition: the bar was drawn, and redrawn, on the terminal").contains("GRPO").contains("\r");

        List<String> screen = screen(raw.substring(raw.indexOf('\n') + 1), COLUMNS); // after script's header line
        List<String> stepRows = screen.stream().filter(l -> l.contains("step ")).toList();
        assertThat(stepRows).as("screen:\n%s", String.join("\n", screen)).hasSize(STEPS);
        for (int i = 0; i < STEPS; i++) {
            assertThat(stepRows.get(i)).as("screen:\n%s", String.join("\n", screen))
                    .startsWith("step " + (i + 1) + "/" + STEPS + " | loss").doesNotContain("GRPO");
        }
        List<String> barRows = screen.stream().filter(l -> l.contains("GRPO")).toList();
        assertThat(barRows).as("one bar, below the lines; screen:\n%s", String.join("\n", screen)).hasSize(1);
        assertThat(screen.indexOf(barRows.get(0))).isGreaterThan(screen.indexOf(stepRows.get(STEPS - 1)));
        assertThat(barRows.get(0)).contains("100%");
    }

    /** The text a terminal of {@code width} columns shows after {@code raw} (scrollback included). */
    static List<String> screen(String raw, int width) {
        List<StringBuilder> rows = new ArrayList<>();
        rows.add(new StringBuilder());
        int row = 0;
        int col = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\r') {
                col = 0;
            } else if (c == '\n') {
                row++;
                col = 0;
            } else if (c == '\033' && i + 1 < raw.length() && raw.charAt(i + 1) == '[') {
                int j = i + 2;
                while (j < raw.length() && !Character.isLetter(raw.charAt(j))) {
                    j++;
                }
                String arg = raw.substring(i + 2, j);
                char op = j < raw.length() ? raw.charAt(j) : ' ';
                if (op == 'K') {
                    StringBuilder r = rows.get(row);
                    if (arg.equals("2")) {
                        r.setLength(0);
                    } else if (r.length() > col) {
                        r.setLength(col); // to the end of the line
                    }
                }
                i = j;
                continue;
            } else if (c >= ' ') {
                if (col == width) {
                    row++;
                    col = 0;
                }
                while (rows.size() <= row) {
                    rows.add(new StringBuilder());
                }
                StringBuilder r = rows.get(row);
                while (r.length() < col) {
                    r.append(' ');
                }
                if (col < r.length()) {
                    r.setCharAt(col, c);
                } else {
                    r.append(c);
                }
                col++;
            }
            while (rows.size() <= row) {
                rows.add(new StringBuilder());
            }
        }
        return rows.stream().map(StringBuilder::toString).map(String::stripTrailing).filter(s -> !s.isEmpty()).toList();
    }
}
