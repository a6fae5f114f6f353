package io.github.grpo4j.internal.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.grpo4j.config.LoraSection;
import io.github.grpo4j.internal.model.MemorySettings;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With LoRA, chunks of log-prob scoring hold at most {@link MemorySettings#MAX_CHUNK_LOGITS} logits. */
class ChunkCapTest {

    @Test
    void aLargeVocabularyShrinksTheChunkAndASmallOneKeepsIt() {
        MemorySettings d = MemorySettings.defaults();
        assertThat(d.logprobChunkSize()).isEqualTo(256);
        assertThat(d.forVocab(151_936).logprobChunkSize()).isEqualTo(65); // Qwen2.5: 9.9 M logits per chunk
        assertThat(d.forVocab(128_256).logprobChunkSize()).isEqualTo(77); // Llama 3
        assertThat(d.forVocab(39_062).logprobChunkSize()).isEqualTo(256);
        assertThat(d.forVocab(32_000)).isSameAs(d);
        assertThat(d.forVocab(100)).isSameAs(d);
        assertThat(d.forVocab(5_000_000).logprobChunkSize()).isEqualTo(16);
        assertThat(new MemorySettings(0, true).forVocab(151_936).logprobChunkSize()).as("0 stays unchunked").isZero();
        assertThat(new MemorySettings(32, true).forVocab(151_936)).isEqualTo(new MemorySettings(32, true));
        assertThat(d.forVocab(151_936).gradientCheckpointing()).isFalse();
        assertThat(new MemorySettings(256, true).forVocab(151_936).gradientCheckpointing()).isTrue();
    }

    @Test
    void withLoraThePolicyAndTheMemoryEstimateCutTheChunksTheSameWay() {
        var config = TinyModels.config(200_000); // hidden 16: 6.4 M parameters
        try (LanguageModelPolicy p = new LanguageModelPolicy(Transformer.random(config, 1), TinyModels.tokenizer())) {
            assertThat(p.memory()).as("full fine-tuning keeps the configured chunk").isEqualTo(MemorySettings.defaults());
            p.memory(new MemorySettings(256, true));
            assertThat(p.memory()).isEqualTo(new MemorySettings(256, true));
            p.addAdapter(new LoraSection(2, 4, 0.0, List.of("all-linear"), false), 1);
            assertThat(p.memory()).as("with LoRA").isEqualTo(new MemorySettings(50, true));
            p.memory(new MemorySettings(0, false));
            assertThat(p.memory().logprobChunkSize()).isZero();
        }
        var w = new MemoryEstimate.Workload(config, 8, 8, 32, 32, true, MemorySettings.defaults(), false, false);
        assertThat(w.memory().logprobChunkSize()).isEqualTo(256);
        assertThat(w.withLora().memory().logprobChunkSize()).isEqualTo(50);
    }
}
