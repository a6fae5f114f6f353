package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.policy.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The offloaded reference (weights read from a file layer by layer) scores exactly as a resident copy of the
 * same weights: the same bits, for several micro-batches of different layouts read in one pass, whether each
 * tensor is read at once or in blocks of rows; later changes to the policy do not reach it. Nothing of the
 * snapshot stays on disk once it is open, so a killed run (SIGKILL, no shutdown hook) leaves no directory.
 */
class OffloadedModelTest {
    private static final CharTokenizer TOKENIZER = CharTokenizer.of("abcdefghijklmnopqrst");
    private static final List<List<int[]>> PROMPTS = List.of(ChunkedScoringTest.PROMPTS,
            List.of(new int[] {4, 4}, new int[] {7, 1, 2, 3, 4, 5, 6}));
    private static final List<List<int[]>> COMPLETIONS = List.of(ChunkedScoringTest.COMPLETIONS,
            List.of(new int[] {9, 9, 9, 1, 2, 3}, new int[] {5}));

    private static List<float[]> scores(Policy policy) {
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (Policy.TokenScores s : policy.scoreEach(m, PROMPTS, COMPLETIONS, 0.7)) {
                out.add(s.logProbs().toFloatArray());
                out.add(s.entropy().toFloatArray());
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "qwen2", "qwen3"})
    void scoresBitForBitAsAResidentCopyAndIgnoresLaterUpdates(String type, @TempDir Path dir) {
        try (LanguageModelPolicy policy = new LanguageModelPolicy(TinyModels.model(type, 5), TOKENIZER)
                .memory(new MemorySettings(4, false))) {
            List<float[]> resident;
            try (LanguageModelPolicy copy = policy.copy()) {
                resident = scores(copy);
            }
            assertThat(resident.get(0)).as("log-probs are informative").isNotEqualTo(new float[resident.get(0).length]);
            assertThat(resident.get(0)[0]).isNotEqualTo(resident.get(0)[1]);
            Transformer model = (Transformer) policy.model();
            // blocks of 100 bytes: every matrix is read in several blocks of rows; 32 MiB: each at once
            List<LanguageModelPolicy> offloaded = new ArrayList<>();
            for (int block : new int[] {100, OffloadedModel.BLOCK_BYTES}) {
                offloaded.add(new LanguageModelPolicy(OffloadedModel.snapshot(model, dir, block), TOKENIZER)
                        .memory(policy.memory()));
            }
            // the snapshots are read through open channels only: their files and directories are gone already
            assertThat(dir).isEmptyDirectory();
            // the policy trains on: a snapshot keeps the weights it was taken of
            for (NDArray p : model.parameters().values()) {
                p.addi(0.05f);
            }
            for (LanguageModelPolicy o : offloaded) {
                Path file = ((OffloadedModel) o.model()).file();
                assertThat(file.getParent()).hasParentRaw(dir).doesNotExist();
                assertThat(o.parameters()).isEmpty();
                List<float[]> streamed = scores(o);
                assertThat(streamed).hasSameSizeAs(resident);
                for (int i = 0; i < resident.size(); i++) {
                    assertThat(streamed.get(i)).as("%s, array %d", file, i).isEqualTo(resident.get(i));
                }
                // one micro-batch through score() as well
                try (NDManager m = NDManager.newBaseManager()) {
                    float[] single = o.score(m, PROMPTS.get(1), COMPLETIONS.get(1), 0.7).logProbs().toFloatArray();
                    assertThat(single).isEqualTo(resident.get(2));
                }
                o.close();
                assertThat(file.getParent()).doesNotExist();
            }
            assertThat(dir).isEmptyDirectory();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2"})
    void cannotGenerate(String type, @TempDir Path dir) throws Exception {
        try (Transformer model = TinyModels.model(type, 5);
                OffloadedModel offloaded = OffloadedModel.snapshot(model, dir)) {
            assertThat(offloaded.bytes()).isEqualTo(4 * model.config().parameterCount());
            assertThat(offloaded.file()).doesNotExist();
            assertThatThrownBy(() -> offloaded.newCache(null, 1, 4))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
