package io.github.grpo4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.model.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Error messages say why an I/O operation failed, not just which path. */
class IoErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aFileInTheWayOfADirectoryIsNamedAsTheReason() throws IOException {
        Path file = Files.writeString(dir.resolve("runs"), "x");
        IOException e = null;
        try {
            Files.createDirectories(file.resolve("sub").getParent());
        } catch (IOException caught) {
            e = caught;
        }
        assertThat(e).as("precondition: creating the directory fails").isNotNull();
        assertThat(e.getMessage()).as("Java's message is the path alone").isEqualTo(file.toString());
        assertThat(IoErrors.reason(e)).isEqualTo("a file of that name already exists (" + file + ")");
    }

    @Test
    void missingFilesAndOtherExceptionsHaveReasons() {
        assertThat(IoErrors.reason(new java.nio.file.NoSuchFileException("a/b"))).isEqualTo("no such file or directory (a/b)");
        assertThat(IoErrors.reason(new java.nio.file.AccessDeniedException("a"))).isEqualTo("permission denied (a)");
        assertThat(IoErrors.reason(new IOException("disk full"))).isEqualTo("disk full");
        assertThat(IoErrors.reason(new IOException())).isEqualTo("IOException");
    }

    @Test
    void jsonErrorsGiveLineAndColumnWithoutJacksonsSourceBlock() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), "{\n  \"hidden_size\": 8,\n  }\n");
        assertThatThrownBy(() -> ModelConfig.read(config))
                .isInstanceOf(Grpo4jException.class)
                .hasMessageContaining(config.toString())
                .hasMessageContaining("line 3, column ").hasMessageContaining("Unexpected character ('}'")
                .hasMessageNotContaining("[Source")
                .hasMessageNotContaining("REDACTED");
    }
}
