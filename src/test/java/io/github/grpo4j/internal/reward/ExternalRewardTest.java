package io.github.grpo4j.internal.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.reward.RewardFunction;
import io.github.grpo4j.reward.RewardInput;
import io.github.grpo4j.reward.RewardOnError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExternalRewardTest {
    @TempDir
    Path dir;

    /** Writes a python3 script that handles each request line with {@code body} (variables: req, n). */
    private ExternalReward script(String body, double timeoutS) throws IOException {
        Path py = dir.resolve("score.py");
        Files.writeString(py, String.join("\n",
                "import sys, json",
                "count = 0",
                "for line in sys.stdin:",
                "    req = json.loads(line)",
                "    n = len(req['completions'])",
                "    count += 1",
                body.indent(4),
                "    sys.stdout.flush()",
                ""));
        return (ExternalReward) RewardRegistry.create("ext", "external",
                Map.of("command", List.of("python3", py.toString()), "timeout_s", timeoutS));
    }

    private static List<RewardInput> batch() {
        return List.of(
                new RewardInput("p0", "hello", Map.of("answer", "hello"), 5, false),
                new RewardInput("p1", "line\n\"two\"", Map.of("answer", "x"), 7, true),
                new RewardInput("p2", "n/a", Map.of("answer", "skip"), 1, false));
    }

    @Test
    void happyPathScoresEachCompletionAndPassesRowsTokensAndNull() throws IOException {
        try (ExternalReward f = script("""
                out = []
                for c, r, t, tr in zip(req['completions'], req['rows'], req['completion_tokens'], req['truncated']):
                    if r['answer'] == 'skip':
                        out.append(None)
                    else:
                        out.append((1.0 if c == r['answer'] else 0.0) + t / 100 + (10 if tr else 0))
                print(json.dumps(out))
                """, 10)) {
            assertThat(f.score(batch())).containsExactly(1.05, 10.07, null);
            // the process is long-lived: a second batch reuses it
            assertThat(f.score(batch().subList(0, 1))).containsExactly(1.05);
            assertThat(f.isRunning()).isTrue();
            f.close();
            assertThat(f.isRunning()).isFalse();
        }
    }

    @Test
    void longLivedProcessKeepsStateAcrossBatches() throws IOException {
        try (ExternalReward f = script("print(json.dumps([count] * n))", 10)) {
            assertThat(f.score(batch())).containsExactly(1.0, 1.0, 1.0);
            assertThat(f.score(batch())).containsExactly(2.0, 2.0, 2.0);
        }
    }

    @Test
    void timeoutKillsProcessAndNamesFunction() throws IOException {
        try (ExternalReward f = script("import time; time.sleep(30)", 0.5)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> f.score(batch()))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("reward 'ext'")
                    .hasMessageContaining("no reply within 0.5 s")
                    .hasMessageContaining("timeout_s");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10);
            assertThat(f.isRunning()).isFalse();
        }
    }

    @Test
    void timeoutAlsoKillsTheScorerBehindAShellWrapper() throws IOException {
        Path sh = dir.resolve("wrap.sh");
        Files.writeString(sh, "#!/bin/bash\nsleep 30 &\necho $! > " + dir.resolve("child.pid") + "\nwait\n");
        try (RewardFunction f = RewardRegistry.create("ext", "external", Map.of("command", List.of("bash", sh.toString()), "timeout_s", 0.5))) {
            assertThatThrownBy(() -> f.score(batch())).hasMessageContaining("no reply within 0.5 s");
        }
        long pid = Long.parseLong(Files.readString(dir.resolve("child.pid")).trim());
        ProcessHandle.of(pid).ifPresent(h -> {
            h.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
            assertThat(h.isAlive()).isFalse();
        });
    }

    @Test
    void crashReportsExitCodeAndStderrTail() throws IOException {
        try (ExternalReward f = script("sys.stderr.write('KeyError: model missing\\n'); sys.stderr.flush(); sys.exit(3)", 10)) {
            assertThatThrownBy(() -> f.score(batch()))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("reward 'ext'")
                    .hasMessageContaining("exited (code 3)")
                    .hasMessageContaining("KeyError: model missing");
        }
    }

    @Test
    void crashedProcessIsRestartedOnTheNextBatch() throws IOException {
        // dies on its first request: each fresh process fails once, so the restart is observable
        try (ExternalReward f = script("""
                import os
                flag = os.path.join(os.path.dirname(sys.argv[0]), 'crashed')
                if not os.path.exists(flag):
                    open(flag, 'w').close()
                    sys.exit(1)
                print(json.dumps([0.5] * n))
                """, 10)) {
            assertThatThrownBy(() -> f.score(batch())).hasMessageContaining("exited (code 1)");
            assertThat(f.score(batch())).containsExactly(0.5, 0.5, 0.5);
        }
    }

    @Test
    void nonJsonReplyIsMalformed() throws IOException {
        try (ExternalReward f = script("print('scoring batch...')", 10)) {
            assertThatThrownBy(() -> f.score(batch()))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("malformed reply")
                    .hasMessageContaining("'scoring batch...' is not JSON");
        }
    }

    @Test
    void wrongLengthReplyIsMalformed() throws IOException {
        try (ExternalReward f = script("print(json.dumps([1.0] * (n - 1)))", 10)) {
            assertThatThrownBy(() -> f.score(batch())).hasMessageContaining("has 2 entries for 3 completions");
        }
    }

    @Test
    void nonNumberEntryAndNonArrayAreMalformed() throws IOException {
        try (ExternalReward f = script("print(json.dumps(['1.0', 2, None] if count == 1 else {'scores': [1] * n}))", 10)) {
            assertThatThrownBy(() -> f.score(batch())).hasMessageContaining("entry 0 = \"1.0\", which is neither a number nor null");
            // the process was killed after the malformed reply; the restarted one is on its first request again
            assertThatThrownBy(() -> f.score(batch())).hasMessageContaining("entry 0");
        }
    }

    @Test
    void nanAndInfinityAsPythonWritesThemAreSkippedWithAWarningNotAnError() throws IOException {
        // json.dumps writes float('nan') as NaN and float('inf') as Infinity: not strict JSON
        ExternalReward f = script("print(json.dumps([float('nan'), float('inf'), -float('inf')]))", 10);
        try (RewardSet set = new RewardSet(List.of(f, RewardFunction.of("one", (p, c, r) -> 1.0)), null, RewardOnError.RAISE)) {
            RewardResult r = set.score(batch());
            assertThat(r.total()).containsExactly(1.0, 1.0, 1.0); // the non-finite terms are skipped
            assertThat(r.value("ext", 0)).isNull();
            assertThat(r.nonFinite()).containsExactly(3, 0);
            assertThat(r.errors()).containsExactly(0, 0);
        }
    }

    @Test
    void underRewardSetZeroPolicyAFailingExternalScoresZero() throws IOException {
        ExternalReward f = script("print('oops')", 10);
        try (RewardSet set = new RewardSet(List.of(f, RewardFunction.of("one", (p, c, r) -> 1.0)), null, RewardOnError.ZERO)) {
            RewardResult r = set.score(batch());
            assertThat(r.total()).containsExactly(1.0, 1.0, 1.0);
            assertThat(r.errors()).containsExactly(3, 0);
        }
    }

    @Test
    void missingProgramAndMissingCommandAreClearErrors() {
        try (RewardFunction f = RewardRegistry.create("external", Map.of("command", "no-such-program-grpo4j --x"))) {
            assertThatThrownBy(() -> f.score(batch()))
                    .isInstanceOf(Grpo4jException.class)
                    .hasMessageContaining("could not start external command [no-such-program-grpo4j, --x]");
        }
        try (RewardFunction f = RewardRegistry.create("external", Map.of("command", List.of("no such program")))) {
            assertThatThrownBy(() -> f.score(batch())).hasMessageContaining("[no such program]"); // a list is not split
        }
        assertThatThrownBy(() -> RewardRegistry.create("external", Map.of())).hasMessageContaining("'command' is required");
        assertThatThrownBy(() -> RewardRegistry.create("external", Map.of("command", "x", "timeout_s", 0)))
                .hasMessageContaining("must be > 0");
    }
}
