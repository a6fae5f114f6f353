package io.github.grpo4j.internal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.grpo4j.internal.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    /** A model and batch small enough that two steps take well under a second. */
    static final String[] TINY = {"--vocab", "16", "--hidden", "16", "--layers", "1", "--heads", "2", "--kv-heads",
        "1", "--intermediate", "32", "--prompts", "2", "-G", "2", "--prompt-length", "3", "--max-new", "4",
        "--warmup", "0", "--matmul-size", "64"};

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cli.execute(all), out.toString(), err.toString());
    }

    static String[] tiny(String... more) {
        String[] all = new String[TINY.length + more.length];
        System.arraycopy(TINY, 0, all, 0, TINY.length);
        System.arraycopy(more, 0, all, TINY.length, more.length);
        return all;
    }

    @AfterAll
    static void restoreThreads() {
        Threads.apply(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void tinyTwoStepRunPrintsJsonWithEveryFieldAndTheRequestedThreads() throws Exception {
        Run r = run(tiny("--steps", "2", "--threads", "1", "--json"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("per_step")).hasSize(2);
        assertThat(j.get("machine").get("threads").asInt()).isEqualTo(1);
        assertThat(j.get("workload").get("parameters").asLong())
                .isEqualTo(16 * 16 * 2 + (16 * 16 + 16) + 2 * (16 * 8 + 8) + 16 * 16 + 3 * 16 * 32 + 2 * 16 + 16);
        for (String f : new String[] {"generation_s", "reference_s", "update_s", "step_s", "mfu"}) {
            assertThat(j.get(f).asDouble()).as(f).isPositive();
        }
        // each phase's own peak, none above the run's peak, all of them on Linux
        JsonNode phases = j.get("peak_resident_bytes_by_phase");
        long peak = j.get("peak_resident_bytes").asLong();
        for (String phase : new String[] {"generation", "reference", "update"}) {
            assertThat(phases.get(phase).asLong()).as(phase).isPositive().isLessThanOrEqualTo(peak);
            assertThat(j.get("per_step").get(0).get(phase + "_peak_bytes").asLong()).as(phase).isPositive();
        }
        // EOS disabled: every completion has max-new tokens, so 2·2·4 per step were generated
        for (JsonNode step : j.get("per_step")) {
            assertThat(step.get("gen_tokens_per_s").asDouble() * step.get("generation_s").asDouble())
                    .isCloseTo(16, within(1e-6));
        }
    }

    @Test
    void tableNamesTheMeasuredQuantities() {
        Run r = run(tiny("--steps", "2"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("generation", "reference", "update", "step", "generated tokens/s",
                "trained tokens/s", "peak resident memory", "in generation", "in update", "MFU");
    }

    @Test
    void badFlagIsAUserErrorNamingIt() {
        Run r = run(tiny("--steps", "2", "-G", "1"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--group");
    }
}
