package io.github.grpo4j.internal.report;

import io.github.grpo4j.internal.health.DivergenceCheck;
import io.github.grpo4j.internal.health.DivergenceWarning;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeSet;

/**
 * Builds {@code report.html}: one self-contained page (inline CSS, no external resources) showing the
 * plots written beside it, a summary table, sample completions from the start, middle and end of the
 * run, and the resolved config. Every piece of run text is HTML-escaped.
 *
 * <p>A small inline script sets {@code data-images-loaded="<loaded>/<total>"} on {@code <body>} once
 * the page has loaded, counting images with {@code naturalWidth > 0}; tests read it in a headless
 * browser's DOM to check that every plot displays.
 */
final class HtmlReport {
    /** Most samples shown per section; long runs log many per step. */
    static final int SAMPLES_PER_SECTION = 8;

    /** One plot as the page shows it: its file (relative to the page), or why it was not drawn. */
    record Plot(PlotSpec spec, List<String> keys, String file, String skipped) {}

    private HtmlReport() {}

    static String render(RunData run, List<Plot> plots) {
        StringBuilder h = new StringBuilder(16_384);
        String name = run.runDir().toAbsolutePath().normalize().getFileName() == null
                ? run.runDir().toString() : run.runDir().toAbsolutePath().normalize().getFileName().toString();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>grpo4j report: ").append(esc(name)).append("</title>\n")
                .append("<style>\n").append(CSS).append("</style>\n</head>\n")
                .append("<body data-images-loaded=\"pending\">\n");
        h.append("<h1>grpo4j run report: ").append(esc(name)).append("</h1>\n");
        int lastStep = run.series().values().stream().mapToInt(NavigableMap::lastKey).max().orElse(0);
        h.append("<p class=\"meta\">Run directory <code>").append(esc(run.runDir().toAbsolutePath().normalize().toString()))
                .append("</code> · ").append(run.metricLines()).append(" metric lines · last step ").append(lastStep)
                .append(" · generated ").append(esc(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()))
                .append("</p>\n");
        h.append("<nav><a href=\"#summary\">Summary</a> <a href=\"#plots\">Plots</a> "
                + "<a href=\"#samples\">Samples</a> <a href=\"#config\">Config</a> <a href=\"#notes\">Notes</a></nav>\n");
        warnings(h, DivergenceCheck.history(run.series()));
        summary(h, run);
        plots(h, plots);
        samples(h, run.samples());
        config(h, run.configYaml());
        notes(h, run.notes());
        h.append("<script>\n").append(IMAGE_CHECK).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, RunData run) {
        h.append("<section id=\"summary\">\n<h2>Summary</h2>\n");
        if (run.summary().isEmpty()) {
            h.append("<p class=\"missing\">No ").append(RunFiles.SUMMARY)
                    .append(" (the run is in progress, was stopped, or did not write one).</p>\n");
        } else {
            h.append("<table class=\"kv\">\n");
            run.summary().forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>")
                    .append(esc(v)).append("</td></tr>\n"));
            h.append("</table>\n");
        }
        if (run.series().isEmpty()) {
            h.append("<p class=\"missing\">No metrics logged yet.</p>\n</section>\n");
            return;
        }
        h.append("<table class=\"metrics\">\n<thead><tr><th>metric</th><th>points</th><th>first</th>"
                + "<th>last</th><th>best</th></tr></thead>\n<tbody>\n");
        run.series().forEach((key, s) -> {
            h.append("<tr><td><code>").append(esc(key)).append("</code></td><td>").append(s.size()).append("</td>");
            cell(h, s.firstEntry());
            cell(h, s.lastEntry());
            Map.Entry<Integer, Double> best = MetricKeys.direction(key).map(d -> {
                Map.Entry<Integer, Double> b = null;
                for (Map.Entry<Integer, Double> e : s.entrySet()) {
                    boolean better = b == null || (d == MetricKeys.Direction.HIGHER_IS_BETTER
                            ? e.getValue() > b.getValue() : e.getValue() < b.getValue());
                    if (better) {
                        b = e;
                    }
                }
                return b;
            }).orElse(null);
            if (best == null) {
                h.append("<td class=\"na\" title=\"no better direction for this metric\">–</td>");
            } else {
                cell(h, best);
            }
            h.append("</tr>\n");
        });
        h.append("</tbody>\n</table>\n<p class=\"hint\">Cells show <i>value</i> (step). "
                + "Best is the highest value for rewards, accuracy and throughput and the lowest for step time.</p>\n")
                .append("</section>\n");
    }

    private static void cell(StringBuilder h, Map.Entry<Integer, Double> e) {
        h.append("<td>").append(esc(number(e.getValue()))).append(" <span class=\"step\">(")
                .append(e.getKey()).append(")</span></td>");
    }

    private static void plots(StringBuilder h, List<Plot> plots) {
        h.append("<section id=\"plots\">\n<h2>Plots</h2>\n");
        List<Plot> skipped = new ArrayList<>();
        for (Plot p : plots) {
            if (p.file() == null) {
                skipped.add(p);
                continue;
            }
            h.append("<figure id=\"plot-").append(esc(p.spec().id())).append("\">\n<img src=\"")
                    .append(esc(p.file())).append("\" alt=\"").append(esc(p.spec().title()))
                    .append("\" width=\"").append(Plotter.WIDTH).append("\" height=\"").append(Plotter.HEIGHT)
                    .append("\">\n<figcaption>").append(esc(p.spec().title())).append(": <code>")
                    .append(esc(String.join(", ", p.keys()))).append("</code></figcaption>\n</figure>\n");
        }
        if (!skipped.isEmpty()) {
            h.append("<div class=\"skipped\"><p>Not plotted:</p>\n<ul>\n");
            for (Plot p : skipped) {
                h.append("<li><b>").append(esc(p.spec().title())).append("</b>: ").append(esc(p.skipped()))
                        .append("</li>\n");
            }
            h.append("</ul></div>\n");
        }
        h.append("</section>\n");
    }

    private static void samples(StringBuilder h, List<SampleRow> samples) {
        h.append("<section id=\"samples\">\n<h2>Sample completions</h2>\n");
        TreeSet<Integer> steps = new TreeSet<>();
        samples.forEach(s -> steps.add(s.step()));
        Integer start = steps.isEmpty() ? null : steps.first();
        Integer end = steps.isEmpty() ? null : steps.last();
        Integer middle = steps.isEmpty() ? null : middleStep(steps);
        if (steps.size() > 0 && steps.size() < 3) {
            h.append("<p class=\"hint\">Samples exist for ").append(steps.size())
                    .append(" step(s) only, so sections repeat a step.</p>\n");
        }
        sampleSection(h, "start", "Start of the run", start, samples);
        sampleSection(h, "middle", "Middle of the run", middle, samples);
        sampleSection(h, "end", "End of the run", end, samples);
        h.append("</section>\n");
    }

    /** The sampled step closest to the midpoint of the first and last sampled steps (the earlier on a tie). */
    static int middleStep(TreeSet<Integer> steps) {
        double mid = (steps.first() + (double) steps.last()) / 2;
        Integer lo = steps.floor((int) Math.floor(mid));
        Integer hi = steps.ceiling((int) Math.ceil(mid));
        if (lo == null) {
            return hi;
        }
        if (hi == null) {
            return lo;
        }
        return mid - lo <= hi - mid ? lo : hi;
    }

    private static void sampleSection(StringBuilder h, String id, String title, Integer step, List<SampleRow> all) {
        h.append("<section class=\"samples\" id=\"samples-").append(id).append("\">\n<h3>").append(esc(title));
        if (step == null) {
            h.append("</h3>\n<p class=\"missing\">No samples logged (").append(RunFiles.SAMPLES)
                    .append(" is missing or empty).</p>\n</section>\n");
            return;
        }
        h.append(" (step ").append(step).append(")</h3>\n");
        List<SampleRow> rows = all.stream().filter(s -> s.step() == step).toList();
        h.append("<table class=\"samples\">\n<thead><tr><th>prompt</th><th>completion</th><th>reward</th>"
                + "<th>per function</th></tr></thead>\n<tbody>\n");
        for (SampleRow s : rows.subList(0, Math.min(rows.size(), SAMPLES_PER_SECTION))) {
            h.append("<tr><td><pre>").append(esc(s.prompt())).append("</pre></td><td><pre>")
                    .append(episode(s.completion())).append("</pre></td><td class=\"num\">")
                    .append(esc(number(s.reward()))).append("</td><td>");
            s.rewards().forEach((fn, r) -> h.append("<code>").append(esc(fn)).append("</code> ")
                    .append(esc(number(r))).append("<br>"));
            h.append("</td></tr>\n");
        }
        h.append("</tbody>\n</table>\n");
        if (rows.size() > SAMPLES_PER_SECTION) {
            h.append("<p class=\"hint\">").append(rows.size() - SAMPLES_PER_SECTION)
                    .append(" more samples of this step are in ").append(RunFiles.SAMPLES).append(".</p>\n");
        }
        h.append("</section>\n");
    }

    private static void config(StringBuilder h, String yaml) {
        h.append("<section id=\"config\">\n<h2>Resolved configuration</h2>\n");
        if (yaml == null) {
            h.append("<p class=\"missing\">No ").append(RunFiles.CONFIG).append(" in the run directory.</p>\n");
        } else {
            h.append("<pre class=\"config\">").append(esc(yaml)).append("</pre>\n");
        }
        h.append("</section>\n");
    }

    /** The divergence warnings the console printed during the run (the same rule, replayed); nothing when none. */
    private static void warnings(StringBuilder h, List<DivergenceWarning> warnings) {
        if (warnings.isEmpty()) {
            return;
        }
        h.append("<section id=\"warnings\" class=\"warning\">\n<h2>Warnings</h2>\n<ul>\n");
        warnings.forEach(w -> h.append("<li>").append(esc(w.message())).append("</li>\n"));
        h.append("</ul>\n</section>\n");
    }

    private static void notes(StringBuilder h, List<String> notes) {
        h.append("<section id=\"notes\">\n<h2>Notes</h2>\n");
        if (notes.isEmpty()) {
            h.append("<p>None: every line of the run files was read.</p>\n");
        } else {
            h.append("<ul>\n");
            notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("</section>\n");
    }

    /** Four significant digits; integers as integers; NaN as "NaN". */
    static String number(Double v) {
        if (v == null || v.isNaN()) {
            return "NaN";
        }
        if (v.isInfinite()) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString(v.longValue());
        }
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e7) {
            return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
        }
        return String.format(Locale.ROOT, "%.3e", v);
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    private static final java.util.regex.Pattern CALL = java.util.regex.Pattern.compile(
            "&lt;tool_call&gt;.*?(&lt;/tool_call&gt;|$)", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern RESULT = java.util.regex.Pattern.compile(
            "&lt;tool_response&gt;.*?(&lt;/tool_response&gt;|$)", java.util.regex.Pattern.DOTALL);

    /**
     * A completion as HTML, a multi-turn episode's tool calls ({@code <tool_call>…</tool_call>}) and tool
     * results ({@code <tool_response>…</tool_response>}, context the model did not write) each marked with
     * a style of its own.
     */
    static String episode(String completion) {
        String html = CALL.matcher(esc(completion)).replaceAll(m ->
                java.util.regex.Matcher.quoteReplacement("<span class=\"call\" title=\"tool call (written by the model)\">"
                        + m.group() + "</span>"));
        return RESULT.matcher(html).replaceAll(m ->
                java.util.regex.Matcher.quoteReplacement("<span class=\"result\" title=\"tool result (context, not "
                        + "trained on)\">" + m.group() + "</span>"));
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body { font-family: system-ui, sans-serif; margin: 1.5em auto; max-width: 1100px; padding: 0 1em; color: #222; }
            h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 1.6em; }
            nav a { margin-right: 1em; }
            .meta, .hint, .step { color: #666; font-size: .9em; }
            .missing { color: #a60; }
            section.warning { background: #fff4e5; border-left: 4px solid #e67700; padding: .2em 1em; }
            table { border-collapse: collapse; margin: .5em 0; }
            th, td { border: 1px solid #ddd; padding: .25em .5em; vertical-align: top; text-align: left; }
            th { background: #f5f5f5; }
            td.num, td.na { text-align: right; }
            figure { margin: 1em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #555; font-size: .9em; }
            pre { margin: 0; white-space: pre-wrap; word-break: break-word; max-width: 45em; }
            pre.config { background: #f8f8f8; padding: .8em; max-width: none; }
            table.samples td:nth-child(2) pre { max-height: 20em; overflow: auto; }
            span.call { background: #e7f0ff; color: #0b4fa8; border-radius: 3px; }
            span.result { background: #eafbea; color: #1b6e1b; font-style: italic; border-radius: 3px; }
            """;

    /** Sets data-images-loaded="loaded/total" on body after load; read by the headless-browser test. */
    private static final String IMAGE_CHECK = """
            window.addEventListener('load', function () {
              var imgs = document.images, ok = 0;
              for (var i = 0; i < imgs.length; i++) {
                if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; }
              }
              document.body.setAttribute('data-images-loaded', ok + '/' + imgs.length);
            });
            """;
}
