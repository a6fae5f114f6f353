package io.github.grpo4j.internal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.config.LoraSection;
import io.github.grpo4j.internal.model.ModelConfig;
import io.github.grpo4j.internal.model.Transformer;
import io.github.grpo4j.internal.tokenizer.CharTokenizer;
import io.github.grpo4j.internal.policy.LanguageModelPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code grpo4j merge} and {@code --adapter} on {@code generate}, end to end on a tiny model. */
class MergeCommandTest {

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static ModelConfig config(int hidden) {
        return new ModelConfig("qwen2", 12, hidden, 32, 2, 2, 1, 8, 1e-6, 10000.0, null, false, false, 64, "float32",
                0.2, null, List.of(CharTokenizer.EOS_ID));
    }

    /** A base model directory and an adapter with B != 0 made for a model of {@code adapterHidden}. */
    private static void fixtures(Path base, Path adapter, int adapterHidden) {
        CharTokenizer tok = CharTokenizer.of("abcdef");
        try (LanguageModelPolicy p = new LanguageModelPolicy(Transformer.random(config(16), 1), tok)) {
            p.save(base);
        }
        try (LanguageModelPolicy p = new LanguageModelPolicy(Transformer.random(config(adapterHidden), 1), tok)) {
            p.addAdapter(new LoraSection(2, 4, 0, List.of("all-linear"), false), 2);
            Random rng = new Random(3);
            for (var e : p.parameters().entrySet()) {
                if (e.getKey().endsWith("lora_B.weight")) {
                    float[] v = new float[(int) e.getValue().size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = (float) rng.nextGaussian();
                    }
                    e.getValue().set(v);
                }
            }
            p.saveAdapter(adapter);
        }
    }

    private static float[] logits(LanguageModelPolicy p) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ids = m.create(new long[] {3, 4, 5, 6, 7}, new Shape(1, 5));
            NDArray pos = m.create(new long[] {0, 1, 2, 3, 4}, new Shape(1, 5));
            NDArray mask = m.create(new long[] {1, 1, 1, 1, 1}, new Shape(1, 5));
            return p.model().forward(ids, pos, mask, null).toFloatArray();
        }
    }

    @Test
    void mergedModelEqualsBasePlusAdapterAndGenerateTakesTheAdapter(@TempDir Path tmp) {
        Path base = tmp.resolve("base");
        Path adapter = tmp.resolve("adapter");
        Path merged = tmp.resolve("merged");
        fixtures(base, adapter, 16);
        Run r = run("merge", "--model", base.toString(), "--adapter", adapter.toString(), "--output", merged.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        try (LanguageModelPolicy withAdapter = LanguageModelPolicy.load(base, adapter);
                LanguageModelPolicy full = LanguageModelPolicy.load(merged);
                LanguageModelPolicy plain = LanguageModelPolicy.load(base)) {
            assertThat(full.hasAdapter()).isFalse();
            float[] a = logits(withAdapter);
            float[] b = logits(full);
            float[] c = logits(plain);
            double worst = 0, change = 0;
            for (int i = 0; i < a.length; i++) {
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
                change = Math.max(change, Math.abs(a[i] - c[i]));
            }
            assertThat(change).as("the adapter changes the model").isGreaterThan(1e-2);
            assertThat(worst).isLessThan(1e-4);
        }
        Run viaAdapter = run("generate", "--model", base.toString(), "--adapter", adapter.toString(), "--prompt", "abc",
                "-n", "1", "--temperature", "0", "--max-new-tokens", "6");
        Run viaMerged = run("generate", "--model", merged.toString(), "--prompt", "abc", "-n", "1", "--temperature", "0",
                "--max-new-tokens", "6");
        assertThat(viaAdapter.exitCode()).as(viaAdapter.err()).isZero();
        assertThat(viaAdapter.out().lines().filter(l -> !l.contains("log-prob")).toList())
                .isEqualTo(viaMerged.out().lines().filter(l -> !l.contains("log-prob")).toList());
    }

    @Test
    void anAdapterForAnotherBaseIsAOneLineErrorAndWritesNothing(@TempDir Path tmp) {
        Path base = tmp.resolve("base");
        Path adapter = tmp.resolve("adapter");
        Path merged = tmp.resolve("merged");
        fixtures(base, adapter, 24);
        Run r = run("merge", "--model", base.toString(), "--adapter", adapter.toString(), "--output", merged.toString());
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.err().strip()).contains("has shape", "expected").doesNotContain("\n").doesNotContain("Exception");
        assertThat(merged).doesNotExist();
        assertThat(tmp.resolve("merged.tmp")).doesNotExist();
    }
}
