package io.github.grpo4j.internal.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {
    @TempDir
    static Path tmp;
    static Path run;
    static Path html;
    static String page;

    /** One report for the whole class: drawing PNGs is the slow part. */
    @BeforeAll
    static void writeReport() throws IOException {
        run = SyntheticRun.write(tmp.resolve("run"));
        html = RunReport.write(run);
        page = Files.readString(html);
    }

    static final Set<String> EXPECTED_PLOTS = Set.of("reward", "eval_accuracy", "loss", "kl", "entropy",
            "completion_length", "grad_norm");

    @Test
    void writesAValidPngOfPlotSizeForEachPresentMetricGroupAndNoneForAbsentOnes() throws IOException {
        Set<String> pngs;
        try (Stream<Path> files = Files.list(run.resolve(RunReport.PLOTS_DIR))) {
            pngs = files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertThat(pngs).isEqualTo(EXPECTED_PLOTS.stream().map(id -> id + ".png").collect(Collectors.toSet()));
        for (String id : EXPECTED_PLOTS) {
            Path png = run.resolve(RunReport.PLOTS_DIR).resolve(id + ".png");
            byte[] bytes = Files.readAllBytes(png);
            assertThat(bytes).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
            assertThat(bytes.length).as(id).isBetween(5_000, 500_000);
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img.getWidth()).isEqualTo(Plotter.WIDTH);
            assertThat(img.getHeight()).isEqualTo(Plotter.HEIGHT);
            assertThat(distinctColours(img)).as("%s is not a blank image", id).isGreaterThan(10);
        }
    }

    @Test
    void saysWhichPlotsWereSkippedBecauseTheirMetricIsAbsent() {
        assertThat(page).contains("Not plotted:");
        assertThat(page).contains("<b>Clip ratios</b>: no values of clip_ratio/low_mean, clip_ratio/high_mean,"
                + " clip_ratio/region_mean, cispo_clip_ratio in metrics.jsonl");
        assertThat(page).contains("<b>Step time</b>: no values of step_time");
        assertThat(page).doesNotContain("plots/clip_ratio.png").doesNotContain("plots/step_time.png");
    }

    @Test
    void everyReferencedFileExistsBesideTheReport() {
        List<String> refs = references(page);
        assertThat(refs).hasSize(EXPECTED_PLOTS.size());
        for (String ref : refs) {
            assertThat(html.resolveSibling(ref)).as(ref).isRegularFile();
        }
    }

    @Test
    void rewardPlotDrawsTheMeanAndEachRewardFunction() {
        assertThat(page).contains("<code>reward, rewards/correct/mean, rewards/format/mean</code>");
    }

    @Test
    void escapesAScriptInACompletionAndEveryOtherRunText() {
        assertThat(page).doesNotContain("<script>document");
        assertThat(page).contains("&lt;script&gt;document.body.setAttribute(&#39;data-pwned&#39;,&#39;yes&#39;)"
                + "&lt;/script&gt; &amp; &quot;quoted&quot;");
        assertThat(page).contains("What is 2+0? &lt;/pre&gt;");
        assertThat(page).contains("system_prompt: &quot;&lt;b&gt;be brief&lt;/b&gt;&quot;");
        assertThat(count(page, "<script>")).as("only the report's own image check").isEqualTo(1);
    }

    @Test
    void showsSamplesOfTheStartMiddleAndEndOfTheRun() {
        assertThat(page).contains("<section class=\"samples\" id=\"samples-start\">\n<h3>Start of the run (step 1)</h3>");
        assertThat(page).contains("<section class=\"samples\" id=\"samples-middle\">\n<h3>Middle of the run (step 15)</h3>");
        assertThat(page).contains("<section class=\"samples\" id=\"samples-end\">\n<h3>End of the run (step 30)</h3>");
        assertThat(page).contains("answer 2 at step 15");
    }

    @Test
    void summaryTableShowsFirstLastAndBestWithTheirSteps() {
        // reward = 0.1 + 0.02 s for s < 30, 0.5 at s = 30: first 0.12 (1), last 0.5 (30), best 0.68 (29)
        assertThat(page).contains("<tr><td><code>reward</code></td><td>30</td>"
                + "<td>0.12 <span class=\"step\">(1)</span></td>"
                + "<td>0.5 <span class=\"step\">(30)</span></td>"
                + "<td>0.68 <span class=\"step\">(29)</span></td></tr>");
        // kl: the null at step 7 is not a point; no "best" for KL
        assertThat(page).contains("<tr><td><code>kl</code></td><td>29</td>");
        assertThat(page).containsPattern("<tr><td><code>kl</code></td>.*<td class=\"na\"");
        assertThat(page).contains("<tr><td><code>eval/accuracy</code></td><td>3</td>");
    }

    @Test
    void notesTheCutOffLastLineAndShowsTheConfig() {
        assertThat(page).contains("metrics.jsonl:34: skipped a cut-off last line");
        assertThat(page).contains("<pre class=\"config\">model: tiny\n");
        assertThat(page).contains("No summary.json");
    }

    @Test
    void showsSummaryJsonEntriesWhenPresent(@TempDir Path dir) throws IOException {
        Path r = SyntheticRun.write(dir.resolve("r"));
        Files.writeString(r.resolve(RunFiles.SUMMARY), "{\"accuracy_before\": 0.1, \"accuracy_after\": 0.42, \"model\": \"<x>\"}");
        Files.delete(r.resolve(RunFiles.SAMPLES));
        Path out = dir.resolve("out");
        String p = Files.readString(RunReport.write(r, out));
        assertThat(p).contains("<tr><th>accuracy_after</th><td>0.42</td></tr>", "<tr><th>model</th><td>&lt;x&gt;</td></tr>");
        assertThat(p).contains("No samples logged");
        for (String ref : references(p)) {
            assertThat(out.resolve(ref)).isRegularFile();
        }
        assertThat(r.resolve(RunReport.HTML)).doesNotExist();
    }

    @Test
    void aRunWhoseAccuracyFellWhileKlRoseShowsTheWarningAndAClimbingRunShowsNone(@TempDir Path dir) throws IOException {
        assertThat(page).doesNotContain("id=\"warnings\"");
        StringBuilder m = new StringBuilder("{\"step\": 0, \"eval/accuracy\": 0.25}\n");
        for (int s = 1; s <= 200; s++) {
            m.append("{\"step\": ").append(s).append(", \"reward\": 0.2, \"kl\": ").append(0.001 * s).append("}\n");
            if (s % 50 == 0) {
                m.append("{\"step\": ").append(s).append(", \"eval/accuracy\": 0.13}\n");
            }
        }
        Files.writeString(dir.resolve(RunFiles.METRICS), m);
        String p = Files.readString(RunReport.write(dir));
        assertThat(p).contains("<section id=\"warnings\" class=\"warning\">",
                "held-out accuracy has stayed below its best for the last 3 evaluations, 25.0% at step 0 -&gt; 13.0% at step 150",
                "learning rate too high");
    }

    @Test
    void reportOfARunThatLoggedNothingYetSkipsEveryPlot(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(RunFiles.METRICS), "");
        String p = Files.readString(RunReport.write(dir));
        assertThat(references(p)).isEmpty();
        assertThat(p).contains("No metrics logged yet.");
        assertThat(count(p, "<li><b>")).isEqualTo(PlotSpec.STANDARD.size());
    }

    @Test
    void removesAStalePlotWhoseMetricIsNoLongerInTheRun(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(RunFiles.METRICS), "{\"step\": 1, \"kl\": 0.5}\n{\"step\": 2, \"kl\": 0.25}\n");
        RunReport.write(dir);
        assertThat(dir.resolve("plots/kl.png")).isRegularFile();
        Files.writeString(dir.resolve(RunFiles.METRICS), "{\"step\": 1, \"loss\": 0.5}\n");
        RunReport.write(dir);
        assertThat(dir.resolve("plots/kl.png")).doesNotExist();
        assertThat(dir.resolve("plots/loss.png")).isRegularFile();
    }

    @Test
    void missingRunDirectoryOrMetricsFileIsAUserErrorSayingWhatToGive(@TempDir Path dir) {
        assertThatThrownBy(() -> RunReport.write(dir.resolve("nope")))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("run directory " + dir.resolve("nope") + " does not exist")
                .hasMessageContaining("metrics.jsonl");
        assertThatThrownBy(() -> RunReport.write(dir))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("no metrics.jsonl in " + dir);
    }

    @Test
    void aBadLineBeforeTheLastIsAnErrorNamingFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(RunFiles.METRICS), "{\"step\": 1}\nnot json\n{\"step\": 3}\n");
        assertThatThrownBy(() -> RunReport.write(dir))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining(RunFiles.METRICS + ":2: not a JSON object: not json");
    }

    static List<String> references(String page) {
        List<String> refs = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"([^\"#][^\"]*)\"").matcher(page);
        while (m.find()) {
            refs.add(m.group(1));
        }
        return refs;
    }

    static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }

    private static int distinctColours(BufferedImage img) {
        Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
