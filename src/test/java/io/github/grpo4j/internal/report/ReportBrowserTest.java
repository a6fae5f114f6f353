package io.github.grpo4j.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the report in headless Chromium and checks, in the DOM after load, that every plot image
 * decoded ({@code naturalWidth > 0}, counted by the page's own script) and that an injected script in
 * a completion did not run. Where no Chromium is installed (CI may lack it) the browser test is
 * skipped with a message saying so, and {@link #reportStructureAndImagesAreValidWithoutABrowser} does
 * the check a browser would need: every {@code <img>} points at a PNG that decodes.
 */
class ReportBrowserTest {
    /** Bounds one Chromium run; it takes about 2 s here. */
    private static final long CHROMIUM_TIMEOUT_S = 60;

    @TempDir
    static Path tmp;
    static Path html;
    static String page;

    @BeforeAll
    static void writeReport() throws IOException {
        html = RunReport.write(SyntheticRun.write(tmp.resolve("run")));
        page = Files.readString(html);
    }

    @Test
    void allPlotImagesLoadAndNoInjectedScriptRunsInHeadlessChromium(TestReporter reporter) throws Exception {
        Path chromium = requireChromium(reporter);
        int images = imgSources(page).size();
        assertThat(images).isEqualTo(RunReportTest.EXPECTED_PLOTS.size());
        String dom = dumpDom(chromium, html);
        reporter.publishEntry("browser", "checked report.html in " + chromium + ": " + bodyTag(dom));
        System.out.println("[ReportBrowserTest] checked report.html in headless Chromium " + chromium + ": " + bodyTag(dom));
        assertThat(bodyTag(dom)).contains("data-images-loaded=\"" + images + "/" + images + "\"");
        // the completion's text is in the DOM as text; had it run, <body> would carry the attribute
        assertThat(bodyTag(dom)).doesNotContain("data-pwned");
        assertThat(dom).contains("&lt;script&gt;document.body.setAttribute('data-pwned','yes')&lt;/script&gt;");
        assertThat(dom).contains("id=\"samples-start\"", "id=\"samples-middle\"", "id=\"samples-end\"");
    }

    @Test
    void headlessChromiumSeesABrokenPlotAsNotLoaded(TestReporter reporter, @TempDir Path dir) throws Exception {
        Path chromium = requireChromium(reporter);
        Path copy = dir.resolve("copy");
        copyTree(html.getParent(), copy);
        Files.write(copy.resolve("plots/kl.png"), new byte[] {1, 2, 3}); // not a PNG
        int images = imgSources(page).size();
        String dom = dumpDom(chromium, copy.resolve(RunReport.HTML));
        assertThat(bodyTag(dom)).contains("data-images-loaded=\"" + (images - 1) + "/" + images + "\"");
    }

    @Test
    void reportStructureAndImagesAreValidWithoutABrowser(TestReporter reporter) throws IOException {
        // what a browser needs: well-formed skeleton, each <img> a decodable PNG beside the page
        String mode = findChromium().map(c -> "as well as in Chromium " + c)
                .orElse("instead of a browser (no chromium found)");
        reporter.publishEntry("browser", "structural check of report.html " + mode);
        System.out.println("[ReportBrowserTest] structural check of report.html and its PNGs " + mode);
        assertThat(page).startsWith("<!DOCTYPE html>\n<html lang=\"en\">").endsWith("</body>\n</html>\n");
        assertThat(page).contains("<meta charset=\"utf-8\">", "<body data-images-loaded=\"pending\">");
        assertThat(RunReportTest.count(page, "<section")).isEqualTo(RunReportTest.count(page, "</section>"));
        assertThat(RunReportTest.count(page, "<table")).isEqualTo(RunReportTest.count(page, "</table>"));
        List<String> srcs = imgSources(page);
        assertThat(srcs).hasSize(RunReportTest.EXPECTED_PLOTS.size()).doesNotHaveDuplicates();
        assertThat(RunReportTest.references(page)).containsExactlyInAnyOrderElementsOf(srcs);
        for (String src : srcs) {
            assertThat(src).startsWith(RunReport.PLOTS_DIR + "/").endsWith(".png");
            BufferedImage img = ImageIO.read(html.resolveSibling(src).toFile());
            assertThat(img).as(src).isNotNull();
            assertThat(img.getWidth()).isPositive();
        }
    }

    private static Path requireChromium(TestReporter reporter) {
        Optional<Path> chromium = findChromium();
        if (chromium.isEmpty()) {
            String msg = "chromium not found (looked for -Dgrpo4j.chromium / $GRPO4J_CHROMIUM, then chromium,"
                    + " chromium-browser, google-chrome on PATH): browser check skipped;"
                    + " reportStructureAndImagesAreValidWithoutABrowser checked the HTML and PNGs instead";
            reporter.publishEntry("browser", msg);
            System.out.println("[ReportBrowserTest] " + msg);
        }
        Assumptions.assumeTrue(chromium.isPresent(), "chromium not installed: browser check skipped,"
                + " structural check ran instead");
        return chromium.get();
    }

    static Optional<Path> findChromium() {
        String explicit = System.getProperty("grpo4j.chromium", System.getenv("GRPO4J_CHROMIUM"));
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
                .flatMap(name -> Stream.of(path.split(File.pathSeparator)).map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable).findFirst();
    }

    /** Runs Chromium headless on the page with a virtual-time budget (so onload runs) and returns the DOM. */
    private static String dumpDom(Path chromium, Path page) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(tmp, "chromium");
        Path out = work.resolve("dom.html");
        Path err = work.resolve("stderr.txt");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--no-default-browser-check",
                "--user-data-dir=" + work.resolve("profile"), "--virtual-time-budget=10000",
                "--dump-dom", page.toUri().toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(CHROMIUM_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("chromium did not finish within " + CHROMIUM_TIMEOUT_S + " s; stderr: "
                    + tail(err));
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(dom).as("chromium exit %d, stderr: %s", p.exitValue(), tail(err)).contains("<body");
        return dom;
    }

    private static String bodyTag(String dom) {
        Matcher m = Pattern.compile("<body[^>]*>").matcher(dom);
        return m.find() ? m.group() : "(no body)";
    }

    private static List<String> imgSources(String html) {
        return Pattern.compile("<img src=\"([^\"]+)\"").matcher(html).results().map(r -> r.group(1)).toList();
    }

    private static String tail(Path file) throws IOException {
        String s = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
