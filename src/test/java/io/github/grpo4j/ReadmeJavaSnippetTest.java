package io.github.grpo4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java examples compile against the public API (so the README cannot drift from it). */
class ReadmeJavaSnippetTest {

    private static final String IMPORTS = """
            import io.github.grpo4j.*;
            import io.github.grpo4j.config.*;
            import io.github.grpo4j.policy.*;
            import io.github.grpo4j.reward.*;
            import java.nio.file.Path;
            import java.util.List;
            import java.util.Map;
            """;

    @Test
    void everyJavaBlockInTheReadmeCompiles(@TempDir Path out) throws Exception {
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<JavaFileObject> sources = new ArrayList<>();
        while (m.find()) {
            String name = "Snippet" + sources.size();
            String code = IMPORTS + "class " + name + " {\n  static void run() throws Exception {\n" + m.group(1) + "\n  }\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        assertThat(sources).as("Java blocks in README.md").isNotEmpty();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        boolean ok = javac.getTask(errors, null, null,
                List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path")), null, sources).call();
        assertThat(ok).as("README Java blocks compile:\n" + errors).isTrue();
    }
}
