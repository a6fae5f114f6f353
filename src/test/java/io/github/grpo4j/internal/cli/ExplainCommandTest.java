package io.github.grpo4j.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code grpo4j explain}: the worked example's golden numbers, the errata notes, JSON, options and bad input. */
class ExplainCommandTest {

    record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setUsageHelpAutoWidth(false);
        cli.setUsageHelpWidth(400); // one line per option, so the checks below do not depend on wrapping
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static JsonNode json(String... options) throws Exception {
        String[] args = new String[options.length + 2];
        args[0] = "explain";
        args[1] = "--json";
        System.arraycopy(options, 0, args, 2, options.length);
        Run r = run(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    private static void assertArray(JsonNode node, double... expected) {
        assertThat(node.size()).isEqualTo(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(node.get(i).asDouble()).as("element %d", i).isCloseTo(expected[i], within(1e-12));
        }
    }

    @Test
    void explainIsRegisteredAsASubcommand() {
        assertThat(Main.commandLine().getSubcommands()).containsKey("explain");
    }

    @Test
    void defaultWalkthroughPrintsTheSeedsGoldenNumbers() {
        Run r = run("explain");
        assertThat(r.exitCode()).as(r.err()).isZero();
        // people read 6 significant digits; --json keeps every digit (jsonHasTheGoldenNumbers)
        assertThat(r.out())
                .contains("[Paris, London, Berlin, Madrid]")
                .contains("[1.73205, -0.57735, -0.57735, -0.57735]")
                .contains("[1.25, 1.0, 0.75, 0.75]") // the worked example printed 0.7499999999999999
                .contains("[1.2, 1.0, 0.8, 0.8]")
                .contains("[2.07846, -0.57735, -0.46188, -0.46188]")
                .contains("mean(L)                0.144338")
                .contains("0.0231436")
                .contains("KL(pi_theta||pi_ref)   0.0252672")
                .contains("KL(pi_old||pi_theta)   0.0258154")
                .contains("J_GRPO                 0.143193")
                .contains("loss                   -0.143193")
                .contains("options: epsilon 0.2, epsilon_high 0.2, beta 0.04")
                .doesNotContain("0.7499999999999999")
                .doesNotContain("1.732050807568877");
    }

    @Test
    void humanNumbersHaveSixSignificantDigits() {
        assertThat(ExplainCommand.num(0.1 + 0.2)).isEqualTo("0.3");
        assertThat(ExplainCommand.num(1.0)).isEqualTo("1.0");
        assertThat(ExplainCommand.num(-2.0784609690826)).isEqualTo("-2.07846");
        assertThat(ExplainCommand.num(123456789.0)).isEqualTo("1.23457e+08");
        assertThat(ExplainCommand.num(1e-6)).isEqualTo("1.00000e-06");
        assertThat(ExplainCommand.num(0.0)).isEqualTo("0.0");
        assertThat(ExplainCommand.num(Double.NaN)).isEqualTo("NaN");
    }

    @Test
    void everyErratumIsNotedOnceInTheStepItConcerns() {
        String out = run("explain").out();
        int[] stepOfErratum = {0, 5, 7, 6, 6, 1, 2, 7};
        for (int e = 1; e <= 7; e++) {
            String marker = "note (seed erratum " + e + ")";
            int at = out.indexOf(marker);
            assertThat(at).as(marker).isNotNegative();
            assertThat(out.indexOf(marker, at + 1)).as(marker + " once").isNegative();
            int step = stepOfErratum[e];
            assertThat(out.lastIndexOf("Step " + step + ".", at)).as(marker + " after its step").isNotNegative();
            int next = out.indexOf("Step " + (step + 1) + ".");
            if (next >= 0) {
                assertThat(at).as(marker + " before the next step").isLessThan(next);
            }
        }
        assertThat(out).contains("min(r*A, r*A)").contains("pi_old/pi_theta").contains("replace=False")
                .contains("0.102221").contains("On these numbers both give the same values, by luck.");
    }

    @Test
    void jsonHasTheGoldenNumbers() throws Exception {
        JsonNode j = json();
        double a = -0.5773502691896257;
        assertArray(j.get("raw_advantages"), 0.6, -0.2, -0.2, -0.2);
        assertArray(j.get("advantages"), 1.732050807568877, a, a, a);
        assertArray(j.get("ratios"), 1.25, 1.0, 0.75, 0.75);
        assertArray(j.get("clipped_ratios"), 1.2, 1.0, 0.8, 0.8);
        assertArray(j.get("surrogate"), 2.078460969082652, a, -0.4618802153517006, -0.4618802153517006);
        assertThat(j.get("surrogate_mean").asDouble()).isEqualTo(0.14433756729740632);
        assertArray(j.get("k3"), 0.023143551314209754, 0, 0.04565126088155247, 0.04565126088155247);
        assertThat(j.get("k3_sum").asDouble()).isCloseTo(0.11444607307731469, within(1e-12));
        assertThat(j.get("kl_exact").asDouble()).isCloseTo(0.025267153921570563, within(1e-12));
        assertThat(j.get("kl_expected_k3").asDouble()).isCloseTo(0.025267153921570563, within(1e-12));
        assertThat(j.get("kl_old_new").asDouble()).isCloseTo(0.025815408455028527, within(1e-12));
        assertThat(j.get("objective").asDouble()).isEqualTo(0.1431931065666332);
        assertThat(j.get("loss").asDouble()).isEqualTo(-0.1431931065666332);
        assertThat(j.get("options").get("loss_type").asText()).isEqualTo("grpo");
        assertThat(j.get("errata").size()).isEqualTo(7);
    }

    @Test
    void optionsChangeTheNumbersAsTheGoldenTableSays() throws Exception {
        assertArray(json("--std", "sample").get("advantages"), 1.5, -0.5, -0.5, -0.5);
        assertArray(json("--std", "sample", "--std-eps", "1e-4").get("advantages"),
                1.4996250937265683, -0.4998750312421895, -0.4998750312421895, -0.4998750312421895);
        assertArray(json("--scale-rewards", "none").get("advantages"), 0.6, -0.2, -0.2, -0.2);
        assertArray(json("--epsilon-high", "0.28").get("surrogate"),
                2.1650635094610964, -0.5773502691896257, -0.4618802153517006, -0.4618802153517006);
        assertArray(json("--kl-estimator", "k1").get("kl"),
                0.2231435513142097, 0, -0.287682072451781, -0.287682072451781);
        for (String type : new String[] {"bnpo", "dapo", "dr_grpo"}) {
            assertThat(json("--loss-type", type).get("objective").asDouble()).as(type)
                    .isCloseTo(0.1431931065666332, within(1e-12));
        }
        assertThat(json("--beta", "0").get("objective").asDouble()).isCloseTo(0.14433756729740632, within(1e-12));
        // a reference policy different from pi_old
        JsonNode j = json("--ref-probs", "0.25,0.25,0.25,0.25");
        assertThat(j.get("kl_exact").asDouble()).isCloseTo(
                0.5 * Math.log(2) + 0.2 * Math.log(0.8) + 0.3 * Math.log(0.6), within(1e-12));
    }

    @Test
    void everyOptionHasADescriptionThatShowsItsDefault() {
        CommandLine explain = Main.commandLine().getSubcommands().get("explain");
        for (CommandLine.Model.OptionSpec o : explain.getCommandSpec().options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            assertThat(String.join(" ", o.description())).as(o.longestName()).contains("default: ");
        }
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        Run r = run("explain", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("--outputs").contains("default: Paris,London,Berlin,Madrid")
                .contains("--rewards").contains("default: 0.9,0.1,0.1,0.1")
                .contains("--new-probs").contains("default: 0.5,0.2,0.15,0.15")
                .contains("--old-probs").contains("default: 0.4,0.2,0.2,0.2")
                .contains("--ref-probs").contains("--epsilon-high").contains("default: same as --epsilon")
                .contains("--epsilon").contains("default: 0.2")
                .contains("--beta").contains("default: 0.04")
                .contains("--std").contains("default: population")
                .contains("--scale-rewards").contains("default: group")
                .contains("--kl-estimator").contains("default: k3")
                .contains("--loss-type").contains("default: grpo")
                .contains("--json").contains("default: false");
    }

    private static void assertUserError(String expectedFragment, String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "explain";
        System.arraycopy(args, 0, full, 1, args.length);
        Run r = run(full);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(expectedFragment);
        assertThat(r.err().strip().lines().count()).as("one line: " + r.err()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badInputIsAOneLineErrorWithExitCode2() {
        assertUserError("(0, 1]", "--new-probs", "1.2,0.2,-0.2,-0.2");
        assertUserError("(0, 1]", "--old-probs", "0,0.4,0.3,0.3");
        assertUserError("sums to", "--new-probs", "0.5,0.2,0.2,0.2");
        assertUserError("--rewards has 3 values but --outputs has 4", "--rewards", "1,0,0");
        assertUserError("--ref-probs has 2 values", "--ref-probs", "0.5,0.5");
        assertUserError("at least 2", "--outputs", "Paris", "--rewards", "1", "--new-probs", "1",
                "--old-probs", "1");
        assertUserError("valid values: grpo, bnpo, dapo, dr_grpo", "--loss-type", "ppo");
        assertUserError("valid values: population, sample", "--std", "bessel");
        assertUserError("valid values: group, batch, none", "--scale-rewards", "prompt");
        assertUserError("valid values: k1, k2, k3", "--kl-estimator", "k4");
        assertUserError("not a number", "--rewards", "1,x,0,0");
        assertUserError("beta", "--beta", "-1");
    }
}
