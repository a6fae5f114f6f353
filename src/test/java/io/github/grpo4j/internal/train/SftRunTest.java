package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.grpo4j.internal.config.ConfigLoader;
import io.github.grpo4j.internal.config.SftConfig;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.report.RunFiles;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.tokenizer.Tokenizer;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SftRunTest {

    static final String TINY = TinyModels.RUN_YAML_HEAD + """
            data:
              task: sort
              max_length: 32
            training:
              max_steps: 3
              batch_size: 4
              micro_batch_size: 4
              learning_rate: 1.0e-3
            logging:
              logging_steps: 100
            """;

    static SftConfig config(Path out) {
        return ConfigLoader.parse(SftConfig.class, "sft.yaml", TINY, List.of("output_dir=" + out));
    }

    /** A tokenizer that cannot be saved: saving a policy with it fails after the model files are written. */
    record Unsaveable(Tokenizer inner) implements Tokenizer {
        @Override
        public int[] encode(String text) {
            return inner.encode(text);
        }

        @Override
        public String decode(int[] ids) {
            return inner.decode(ids);
        }

        @Override
        public int vocabSize() {
            return inner.vocabSize();
        }

        @Override
        public int[] eosIds() {
            return inner.eosIds();
        }

        @Override
        public int padId() {
            return inner.padId();
        }

        @Override
        public String applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
            return inner.applyChatTemplate(messages, addGenerationPrompt);
        }
    }

    @Test
    void aModelSaveThatStopsHalfwayLeavesNoModelDirectoryThatCountsAsComplete(@TempDir Path tmp) {
        Tokenizer chars = CharTokenizer.of("0123456789,");
        var modelConfig = io.github.grpo4j.internal.model.ModelParts.freshConfig(config(tmp).model(), chars);
        Path fin = tmp.resolve("sft").resolve("final");
        try (LanguageModelPolicy broken = new LanguageModelPolicy(Transformer.random(modelConfig, 1), new Unsaveable(chars))) {
            assertThatThrownBy(() -> SftRun.saveAtomically(broken, fin)).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(tmp.resolve("sft").resolve("final.tmp").resolve("model.safetensors")).as("precondition").exists();
        assertThat(fin).doesNotExist();
        assertThat(SftRun.complete(fin)).isFalse();

        try (LanguageModelPolicy good = new LanguageModelPolicy(Transformer.random(modelConfig, 1), chars)) {
            SftRun.saveAtomically(good, fin);
        }
        assertThat(SftRun.complete(fin)).isTrue();
        assertThat(fin.resolve("tokenizer.json")).exists();
        assertThat(tmp.resolve("sft").resolve("final.tmp")).doesNotExist();
    }

    @Test
    void aRerunStartsOverAndLogsEachStepOnce(@TempDir Path tmp) {
        Path out = tmp.resolve("sft");
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        new SftRun(config(out), quiet).run();
        new SftRun(config(out), quiet).run(); // e.g. after a kill: SFT has no checkpoints, so it redoes everything
        assertThat(RunFiles.readMetrics(out.resolve("metrics.jsonl")).rows()).extracting(r -> r.step())
                .containsExactly(1, 2, 3);
        assertThat(SftRun.complete(out.resolve("final"))).isTrue();
        assertThat(out.resolve(RunLock.FILE_NAME)).exists();
    }
}
