package io.github.grpo4j.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every {@code ./grpo4j ...} command of the README's code blocks, in order, as a user would (a
 * fresh JVM in a scratch directory holding the repository's {@code examples/}), with settings made tiny
 * so the suite stays fast. A README command that stops working fails here.
 */
class ReadmeCommandsTest {

    /** Extra arguments per verb that shrink the work; everything else runs as written. */
    private static final Map<String, List<String>> TINY = Map.of(
            "train", List.of("--set", "training.max_steps=2", "--set", "logging.eval_prompts=4",
                    "--set", "logging.eval_steps=1", "--set", "generation.num_generations=2",
                    "--set", "training.per_step_prompts=2", "--sft-set", "training.max_steps=2"),
            "sft", List.of("--set", "training.max_steps=2"),
            "eval", List.of("--prompts", "4"),
            "demo", List.of("--quiet"),
            "bench", List.of("--steps", "1", "--warmup", "0", "--hidden", "32", "--layers", "1", "--heads", "2",
                    "--kv-heads", "1", "--intermediate", "64", "--prompts", "2", "--group", "2", "--max-new", "4",
                    "--matmul-size", "64"));

    static List<List<String>> readmeCommands(String readme) {
        List<List<String>> out = new ArrayList<>();
        boolean inCode = false;
        for (String line : readme.split("\n")) {
            if (line.startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            String l = line.strip();
            if (inCode && l.startsWith("./grpo4j")) {
                int hash = l.indexOf(" #");
                out.add(split(hash < 0 ? l : l.substring(0, hash)));
            }
        }
        return out;
    }

    /** Splits a command line on spaces, keeping double-quoted words whole. */
    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        for (char ch : line.toCharArray()) {
            if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ' ' && !quoted) {
                if (w.length() > 0) {
                    words.add(w.toString());
                    w.setLength(0);
                }
            } else {
                w.append(ch);
            }
        }
        if (w.length() > 0) {
            words.add(w.toString());
        }
        return words;
    }

    @Test
    void splittingKeepsQuotedWordsWhole() {
        assertThat(split("./grpo4j generate --prompt \"12+34=\" -n 4"))
                .containsExactly("./grpo4j", "generate", "--prompt", "12+34=", "-n", "4");
        assertThat(readmeCommands("text\n```bash\n./grpo4j demo   # comment\n```\n./grpo4j not-code\n"))
                .containsExactly(List.of("./grpo4j", "demo"));
    }

    @Test
    void everyReadmeCommandRunsAndExitsZero(@TempDir Path work) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        List<List<String>> commands = readmeCommands(Files.readString(root.resolve("README.md")));
        assertThat(commands).extracting(c -> c.get(1))
                .contains("explain", "demo", "train", "sft", "eval", "generate", "report", "bench");
        copyTree(root.resolve("examples"), work.resolve("examples"));
        String java = ProcessHandle.current().info().command().orElse("java");
        for (List<String> command : commands) {
            List<String> argv = new ArrayList<>(List.of(java, "-Dai.djl.offline=true",
                    "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName()));
            argv.addAll(command.subList(1, command.size()));
            argv.addAll(TINY.getOrDefault(command.get(1), List.of()));
            Process p = new ProcessBuilder(argv).directory(work.toFile()).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + new String(output, StandardCharsets.UTF_8))
                    .isZero();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
