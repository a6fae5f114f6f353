package io.github.grpo4j.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class DemoCommandTest {

    private static DemoCommand.Outcome run(String... args) {
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs(args);
        return demo.run(new PrintWriter(new StringWriter()));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2, 3, 4})
    void reachesParisAtNinetyPercentWithinHundredSteps(long seed) {
        DemoCommand.Outcome o = run("--seed", Long.toString(seed));
        assertThat(o.reached()).isTrue();
        assertThat(o.steps()).isLessThanOrEqualTo(100);
        assertThat(o.probabilities()[0]).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void equalRewardsLeaveThePolicyWhereItStartsBecauseOnlyKlActsAndItIsZeroAtTheStart() {
        DemoCommand.Outcome o = run("--rewards", "0.5,0.5,0.5,0.5", "--max-steps", "30");
        assertThat(o.reached()).isFalse();
        for (int k = 0; k < 4; k++) {
            assertThat(o.probabilities()[k]).isCloseTo(DemoCommand.START[k], within(1e-6));
        }
    }

    @Test
    void withoutReplacementReproducesTheSeedsSamplingAndStillConverges() {
        DemoCommand.Outcome o = run("--without-replacement", "--seed", "7");
        assertThat(o.reached()).isTrue();
    }

    @Test
    void printsOneRowPerStepAndTheStepCountAndExitsZero() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("demo", "--seed", "0", "--debug");
        assertThat(code).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("P(Paris)").containsPattern("P\\(Paris\\) = 0\\.9\\d\\d >= 0\\.90 after \\d+ steps\\.");
        assertThat(text.lines().filter(l -> l.matches("\\s+\\d+\\s+0\\.\\d{4}.*"))).isNotEmpty();
    }

    @Test
    void badGroupSizeIsAOneLineErrorWithExitCodeTwo() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("demo", "-G", "1")).isEqualTo(2);
        assertThat(err.toString().trim()).startsWith("error: --num-generations must be at least 2").doesNotContain("\tat ");
    }
}
