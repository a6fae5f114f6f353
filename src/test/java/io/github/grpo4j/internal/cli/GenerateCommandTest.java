package io.github.grpo4j.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.internal.generate.TinyAttentionLm;
import io.github.grpo4j.internal.generate.TinyTokenizer;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

    record Run(int exitCode, String out, String err) {}

    static Run run(GenerateCommand command, String... args) {
        CommandLine cli = Main.commandLine();
        cli.getCommandSpec().removeSubcommand("generate");
        cli.addSubcommand(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "generate";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cli.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    static GenerateCommand tiny() {
        return new GenerateCommand(
                dir -> new LanguageModelPolicy(TinyAttentionLm.random(12, 16, 64, 7), new TinyTokenizer("abcdefghij")));
    }

    @Test
    void printsEachCompletionWithItsMeanLogProb(@TempDir Path dir) {
        Run r = run(tiny(), "--model", dir.toString(), "--prompt", "abc", "-n", "3", "--max-new-tokens", "5",
                "--temperature", "0.8", "--seed", "4");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("--- completion 1/3", "--- completion 3/3", "mean log-prob -");
        Run again = run(tiny(), "--model", dir.toString(), "--prompt", "abc", "-n", "3", "--max-new-tokens", "5",
                "--temperature", "0.8", "--seed", "4");
        assertThat(again.out()).isEqualTo(r.out());
    }

    @Test
    void greedyWithStopStringReportsHowEachCompletionEnded(@TempDir Path dir) {
        Run r = run(tiny(), "--model", dir.toString(), "--prompt", "abc", "-n", "1", "--temperature", "0",
                "--max-new-tokens", "3", "--stop", "zz");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("ended by (EOS|max-new-tokens)");
    }

    @Test
    void badSamplingOptionIsAUserErrorWithExitCodeTwo(@TempDir Path dir) {
        Run r = run(tiny(), "--model", dir.toString(), "--prompt", "abc", "--top-p", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("top_p must be in (0, 1]");
    }

    @Test
    void missingModelDirectoryIsAUserError(@TempDir Path dir) {
        Run r = run(tiny(), "--model", dir.resolve("nope").toString(), "--prompt", "abc");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is not a directory");
    }

    @Test
    void registeredCommandOnADirectoryWithoutAModelNamesTheMissingFile(@TempDir Path dir) {
        Run r = run(new GenerateCommand(), "--model", dir.toString(), "--prompt", "abc");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("config.json").doesNotContain("\tat ");
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("generate", "--help")).isZero();
        assertThat(out.toString()).contains("--temperature", "(default: 1.0)", "--top-k", "--top-p", "--min-p",
                "--repetition-penalty", "--max-new-tokens", "(default: 128)", "--seed", "--stop", "-n");
    }
}
