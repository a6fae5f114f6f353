package io.github.grpo4j.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.LossSection;
import io.github.grpo4j.config.ModelSection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigJavadocTest {

    private static final String REGENERATE = "./mvnw -q test -Dtest=ConfigJavadocTest -Dgrpo4j.updateDocs=true";

    @Test
    void everyPublicConfigRecordsJavadocHasAParamTagPerKeyWithItsDefault() throws Exception {
        Map<Class<?>, Object> records = ConfigJavadoc.records();
        assertThat(records).containsKeys(LossSection.class, ModelSection.class).hasSizeGreaterThanOrEqualTo(9);
        for (var e : records.entrySet()) {
            Path file = ConfigJavadoc.SOURCE_DIR.resolve(e.getKey().getSimpleName() + ".java");
            String source = Files.readString(file, StandardCharsets.UTF_8);
            String expected = ConfigJavadoc.rewrite(e.getKey(), e.getValue(), source);
            if (Boolean.getBoolean("grpo4j.updateDocs")) {
                Files.writeString(file, expected, StandardCharsets.UTF_8);
                source = expected;
            }
            assertThat(source).as(file + ": the Javadoc @param tags are stale; regenerate with " + REGENERATE)
                    .isEqualTo(expected);
        }
    }

    @Test
    void aTagNamesTheKeyItsDefaultValidValuesAndTheSourceOfTheOption() throws Exception {
        String loss = Files.readString(ConfigJavadoc.SOURCE_DIR.resolve("LossSection.java"), StandardCharsets.UTF_8);
        String rewritten = ConfigJavadoc.rewrite(LossSection.class, LossSection.defaults(), loss);
        assertThat(rewritten).contains(" * @param beta config key {@code beta}, default {@code 0.04}, valid: ≥ 0. β,")
                .contains("(DeepSeekMath 0.04)")
                .contains("@param lossType config key {@code loss_type}, default {@code grpo}, valid: {@code grpo},")
                .contains("(Dr. GRPO)");
        // the description above the tags is kept, the code below is untouched
        assertThat(rewritten).contains(" * The GRPO objective").endsWith(loss.substring(loss.indexOf("@Doc(\"The objective")));
    }

    @Test
    void markdownBecomesJavadocAndHtmlIsEscaped() {
        assertThat(ConfigJavadoc.javadoc("`a<b` is < c & `d`")).isEqualTo("{@code a<b} is &lt; c &amp; {@code d}");
    }
}
