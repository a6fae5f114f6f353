package io.github.grpo4j.internal.train;

import me.tongfei.progressbar.ProgressBar;

/** Draws the training progress bar and prints a metrics line per step, as a run does (for {@link LinesAboveBarTest}). */
public final class BarDemo {
    private BarDemo() {}

    /** @param args the number of steps */
    public static void main(String[] args) throws InterruptedException {
        int steps = Integer.parseInt(args[0]);
        LinesAboveBar lines = new LinesAboveBar(System.err);
        try (ProgressBar bar = LinesAboveBar.bar("GRPO", steps, 0, lines, 20)) {
            for (int step = 1; step <= steps; step++) {
                Thread.sleep(30); // the bar's own thread may redraw meanwhile
                bar.stepTo(step);
                bar.setExtraMessage("reward 0.5 kl 0.001 1.0s/step");
                bar.refresh(); // and surely has drawn it here, on a loaded machine too
                Thread.sleep(30);
                LinesAboveBar.println(lines, System.out,
                        "step " + step + "/" + steps + " | loss 0.1234 | reward 0.5000 | kl 0.0010 | step_time 1.0000");
            }
        }
    }
}
