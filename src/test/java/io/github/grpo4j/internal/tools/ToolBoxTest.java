package io.github.grpo4j.internal.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.config.CallFormat;
import io.github.grpo4j.config.ToolSpec;
import io.github.grpo4j.config.ToolsSection;
import io.github.grpo4j.internal.process.LineProcess;
import io.github.grpo4j.tools.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a tool call can go wrong is a failed outcome the model sees, never an exception or a hang. */
class ToolBoxTest {

    static Tool throwing() {
        return Tool.of("boom", "always fails", Map.of(), args -> {
            throw new IllegalStateException("disk on fire");
        });
    }

    static Tool sleeping() {
        return Tool.of("slow", "never answers in time", Map.of(), args -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        });
    }

    @Test
    void aGoodCallReturnsTheToolsResult() {
        try (ToolBox box = new ToolBox(List.of(new Calculator()), Duration.ofSeconds(5))) {
            assertThat(box.run(ToolCall.of("calculator", Map.of("expression", "6*7"))))
                    .isEqualTo(new ToolBox.Outcome("calculator", "42", false));
        }
    }

    @Test
    void aToolThatThrowsIsAFailedCall() {
        try (ToolBox box = new ToolBox(List.of(throwing()), Duration.ofSeconds(5))) {
            assertThat(box.run(ToolCall.of("boom", Map.of())))
                    .isEqualTo(new ToolBox.Outcome("boom", "error: disk on fire", true));
        }
    }

    @Test
    void aToolThatRunsPastTheLimitIsAFailedCallAndTheCallerMovesOn() {
        try (ToolBox box = new ToolBox(List.of(sleeping()), Duration.ofMillis(300))) {
            long t0 = System.nanoTime();
            ToolBox.Outcome o = box.run(ToolCall.of("slow", Map.of()));
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(10.0);
            assertThat(o.failed()).isTrue();
            assertThat(o.content()).contains("took longer than 0.3 s");
        }
    }

    @Test
    void unknownToolsAndMalformedCallsAreFailedCalls() {
        try (ToolBox box = new ToolBox(List.of(new Calculator()), Duration.ofSeconds(5))) {
            ToolBox.Outcome unknown = box.run(ToolCall.of("search", Map.of()));
            assertThat(unknown.failed()).isTrue();
            assertThat(unknown.content()).isEqualTo("error: unknown tool 'search'; available: calculator");
            ToolBox.Outcome malformed = box.run(ToolCall.malformed("tool call is not valid JSON: {"));
            assertThat(malformed).isEqualTo(new ToolBox.Outcome(null, "error: tool call is not valid JSON: {", true));
            assertThat(box.run(ToolCall.of("calculator", Map.of("expression", "1/0"))).content())
                    .isEqualTo("error: division by zero");
        }
    }

    @Test
    void namesMustBeUnique() {
        assertThatThrownBy(() -> new ToolBox(List.of(new Calculator(), new Calculator()), Duration.ofSeconds(1)))
                .hasMessageContaining("two tools are named 'calculator'");
    }

    private static Path script(Path dir, String body) throws Exception {
        Path p = dir.resolve("tool.py");
        Files.writeString(p, "import sys, json, time, os\n" + body);
        return p;
    }

    private static ExternalTool external(Path script, double timeoutS) {
        return new ExternalTool("ext", "test tool", Map.of("type", "object"),
                new LineProcess("tool 'ext'", List.of("python3", script.toString()), Duration.ofMillis((long) (timeoutS * 1000)),
                        null, Map.of()));
    }

    @Test
    void anExternalToolAnswersContentOrError(@TempDir Path dir) throws Exception {
        Path s = script(dir, """
                for line in sys.stdin:
                    req = json.loads(line)
                    if req["arguments"].get("x") == "bad":
                        print(json.dumps({"error": "bad x"}), flush=True)
                    else:
                        print(json.dumps({"content": req["name"] + ":" + req["arguments"]["x"]}), flush=True)
                """);
        try (ExternalTool t = external(s, 10); ToolBox box = new ToolBox(List.of(t), Duration.ofSeconds(20))) {
            assertThat(box.run(ToolCall.of("ext", Map.of("x", "hi")))).isEqualTo(new ToolBox.Outcome("ext", "ext:hi", false));
            assertThat(box.run(ToolCall.of("ext", Map.of("x", "bad")))).isEqualTo(new ToolBox.Outcome("ext", "error: bad x", true));
        }
    }

    @Test
    void anExternalToolThatDiesIsAFailedCallAndTheNextCallRestartsIt(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("tool.py.died");
        Path s = script(dir, """
                marker = sys.argv[0] + ".died"
                for line in sys.stdin:
                    if not os.path.exists(marker):
                        open(marker, "w").close()
                        print("crashing", file=sys.stderr, flush=True)
                        sys.exit(3)
                    print(json.dumps({"content": "ok"}), flush=True)
                """);
        try (ExternalTool t = external(s, 10); ToolBox box = new ToolBox(List.of(t), Duration.ofSeconds(20))) {
            ToolBox.Outcome first = box.run(ToolCall.of("ext", Map.of()));
            assertThat(first.failed()).isTrue();
            assertThat(first.content()).contains("exited (code 3)").contains("crashing");
            assertThat(box.run(ToolCall.of("ext", Map.of()))).isEqualTo(new ToolBox.Outcome("ext", "ok", false));
        }
        assertThat(marker).exists(); // it really died once
    }

    @Test
    void anExternalToolThatHangsOrRepliesGarbageIsAFailedCall(@TempDir Path dir) throws Exception {
        Path s = script(dir, """
                for line in sys.stdin:
                    req = json.loads(line)
                    if req["arguments"].get("mode") == "hang":
                        time.sleep(60)
                    print("not json", flush=True)
                """);
        try (ExternalTool t = external(s, 0.5); ToolBox box = new ToolBox(List.of(t), Duration.ofSeconds(20))) {
            ToolBox.Outcome hang = box.run(ToolCall.of("ext", Map.of("mode", "hang")));
            assertThat(hang.failed()).isTrue();
            assertThat(hang.content()).contains("no reply within 0.5 s");
            assertThat(t.isRunning()).isFalse(); // killed
        }
        // a fresh process with time to start on a loaded machine
        try (ExternalTool t = external(s, 30); ToolBox box = new ToolBox(List.of(t), Duration.ofSeconds(60))) {
            ToolBox.Outcome garbage = box.run(ToolCall.of("ext", Map.of()));
            assertThat(garbage.failed()).isTrue();
            assertThat(garbage.content()).contains("malformed reply 'not json'");
        }
    }

    @Test
    void toolsAreBuiltFromTheConfigWithClearErrors() {
        ToolsSection ok = new ToolsSection(List.of(new ToolSpec(null, "calculator", null, Map.of())), CallFormat.AUTO, 2, 5.0);
        try (ToolBox box = Tools.create(ok, List.of())) {
            assertThat(box.names()).containsExactly("calculator");
        }
        ToolsSection noClass = new ToolsSection(List.of(new ToolSpec("x", "java", null, Map.of())), CallFormat.AUTO, 2, 5.0);
        assertThatThrownBy(() -> Tools.create(noClass, List.of()))
                .hasMessageStartingWith("tools.functions[0].class_name: must be set for type: java");
        ToolsSection notATool = new ToolsSection(List.of(new ToolSpec("x", "java", "java.lang.String", Map.of())), CallFormat.AUTO, 2, 5.0);
        assertThatThrownBy(() -> Tools.create(notATool, List.of())).hasMessageContaining("does not implement");
        ToolsSection noName = new ToolsSection(List.of(new ToolSpec(null, "external", null, Map.of("command", "python3 x.py"))),
                CallFormat.AUTO, 2, 5.0);
        assertThatThrownBy(() -> Tools.create(noName, List.of())).hasMessageStartingWith("tools.functions[0].name: must be set");
        ToolsSection badParam = new ToolsSection(List.of(new ToolSpec("e", "external", null, Map.of("comand", "x"))),
                CallFormat.AUTO, 2, 5.0);
        assertThatThrownBy(() -> Tools.create(badParam, List.of())).hasMessageContaining("did you mean 'command'");
        ToolsSection java = new ToolsSection(List.of(new ToolSpec(null, "java", Shout.class.getName(), Map.of())), CallFormat.AUTO, 2, 5.0);
        try (ToolBox box = Tools.create(java, List.of())) {
            assertThat(box.run(ToolCall.of("shout", Map.of("text", "hi"))).content()).isEqualTo("HI");
        }
    }

    /** A {@code type: java} tool. */
    public static final class Shout implements Tool {
        @Override
        public String name() {
            return "shout";
        }

        @Override
        public String description() {
            return "upper-cases text";
        }

        @Override
        public Map<String, Object> parameters() {
            return Map.of("type", "object");
        }

        @Override
        public String call(Map<String, Object> arguments) {
            return String.valueOf(arguments.get("text")).toUpperCase(java.util.Locale.ROOT);
        }
    }
}
