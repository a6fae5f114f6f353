package io.github.grpo4j.internal.report;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Draws one {@link PlotSpec} as a PNG line chart with XChart, off screen. */
final class Plotter {
    static final int WIDTH = 800;
    static final int HEIGHT = 450;
    /** Up to this many points a series shows markers, so single evaluations are visible. */
    private static final int MARKER_LIMIT = 60;
    /** Longer series are thinned to about this many points (an 800 px plot shows no more). */
    static final int MAX_POINTS = 1600;

    static {
        // no display on servers and in CI; must be set before AWT initialises
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Plotter() {}

    /** Writes the plot of {@code keys} (each present in {@code series}) to {@code png}. */
    static void write(PlotSpec spec, List<String> keys, Map<String, NavigableMap<Integer, Double>> series, Path png)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title(spec.title()).xAxisTitle("step").yAxisTitle(spec.yAxis()).build();
        chart.getStyler()
                .setChartBackgroundColor(Color.WHITE)
                .setLegendVisible(keys.size() > 1)
                .setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal)
                .setMarkerSize(5)
                .setAntiAlias(true);
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (String key : keys) {
            NavigableMap<Integer, Double> s = series.get(key);
            double[][] xy = thin(s, MAX_POINTS);
            XYSeries line = chart.addSeries(key, xy[0], xy[1]);
            line.setMarker(s.size() <= MARKER_LIMIT ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            maxX = Math.max(maxX, s.lastKey());
            for (double v : s.values()) {
                minY = Math.min(minY, v);
                maxY = Math.max(maxY, v);
            }
        }
        // XChart starts ticks at the data's first value (ticks like 1, 9, 17, ...); round axis ends
        // give round ticks (it still ticks at data values when they are equally spaced)
        double[] x = niceRange(0, Math.max(maxX, 1)); // steps are >= 0
        double[] y = niceRange(minY, maxY);
        chart.getStyler().setXAxisMin(x[0]).setXAxisMax(x[1]).setYAxisMin(y[0]).setYAxisMax(y[1]);
        chart.getStyler().setXAxisTickMarkSpacingHint(80).setYAxisTickMarkSpacingHint(50);
        Path tmp = RunFiles.tempSibling(png);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            Files.move(tmp, png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The points of {@code s} as {x[], y[]}; above {@code maxPoints} points, each of maxPoints/2 runs
     * of consecutive steps is replaced by its minimum and maximum (in step order), so spikes stay
     * visible while drawing stays fast for runs of many thousand steps.
     */
    static double[][] thin(NavigableMap<Integer, Double> s, int maxPoints) {
        int n = s.size();
        double[] xs = new double[n];
        double[] ys = new double[n];
        int i = 0;
        for (Map.Entry<Integer, Double> e : s.entrySet()) {
            xs[i] = e.getKey();
            ys[i] = e.getValue();
            i++;
        }
        if (n <= maxPoints) {
            return new double[][] {xs, ys};
        }
        int buckets = maxPoints / 2;
        double[] tx = new double[2 * buckets];
        double[] ty = new double[2 * buckets];
        int m = 0;
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets); // exclusive; every bucket has >= 2 points
            int lo = from;
            int hi = from;
            for (int j = from; j < to; j++) {
                if (ys[j] < ys[lo]) {
                    lo = j;
                }
                if (ys[j] > ys[hi]) {
                    hi = j;
                }
            }
            int first = Math.min(lo, hi);
            int second = Math.max(lo, hi);
            tx[m] = xs[first];
            ty[m++] = ys[first];
            tx[m] = xs[second];
            ty[m++] = ys[second];
        }
        return new double[][] {tx, ty};
    }

    /**
     * {lo, hi}: [min, max] widened to multiples of a round step (1, 2, 2.5 or 5 times a power of ten)
     * that cuts the range into about five parts; a single value gets a range around it.
     */
    static double[] niceRange(double min, double max) {
        if (min == max) {
            double pad = min == 0 ? 1 : Math.abs(min) / 2;
            min -= pad;
            max += pad;
        }
        double raw = (max - min) / 5;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude * 10;
        for (double f : new double[] {1, 2, 2.5, 5}) {
            if (f * magnitude >= raw) {
                step = f * magnitude;
                break;
            }
        }
        double lo = Math.floor(min / step) * step;
        double hi = Math.ceil(max / step) * step;
        // rounding can land a hair inside the data when the range is tiny next to the values
        return new double[] {lo <= min ? lo : lo - step, hi >= max ? hi : hi + step};
    }
}
