package io.github.grpo4j.internal.process;

import io.github.grpo4j.internal.reward.RewardRegistry;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** A JVM whose external scorer is busy: {@code main(dir)} scores one batch with {@code dir/score.py} and waits. */
public final class BusyScorer {
    private BusyScorer() {}

    /** @param args the directory holding {@code score.py} */
    public static void main(String[] args) {
        Path script = Path.of(args[0], "score.py");
        try (RewardFunction f = RewardRegistry.create("busy", "external",
                Map.of("command", List.of("python3", script.toString()), "timeout_s", 600))) {
            f.score(List.of(RewardInput.of("p", "c")));
        }
    }
}
