package io.github.grpo4j.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Tiny configs of each supported family, so invariant tests run in milliseconds. */
final class TinyModels {
    private TinyModels() {}

    static final String[] TYPES = {"llama", "qwen2", "qwen3"};

    /**
     * hidden 32, 2 layers, 4 query heads over 2 KV heads (GQA), vocab 50; initializer_range 0.2 so
     * logits are O(1) and attention is far from uniform. Llama gets llama3 rope scaling, Qwen2 tied
     * embeddings and q/k/v biases, Qwen3 head_dim 16 (not hidden/heads) and q/k norms.
     */
    static ModelConfig config(String type) {
        String extra = switch (type) {
            case "llama" -> ", \"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8.0, \"low_freq_factor\": 1.0,"
                    + " \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 16}";
            case "qwen2" -> ", \"tie_word_embeddings\": true";
            default -> ", \"head_dim\": 16";
        };
        return ModelConfig.parse("{\"model_type\": \"" + type + "\", \"vocab_size\": 50, \"hidden_size\": 32,"
                + " \"intermediate_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
                + " \"num_key_value_heads\": 2, \"max_position_embeddings\": 64, \"rms_norm_eps\": 1e-6,"
                + " \"initializer_range\": 0.2, \"eos_token_id\": 2" + extra + "}");
    }

    /** A random model whose biases and norm weights are perturbed too, so their code paths matter. */
    static Transformer model(String type, long seed) {
        Transformer m = Transformer.random(config(type), seed);
        java.util.Random r = new java.util.Random(seed);
        for (var e : m.parameters().entrySet()) {
            if (e.getKey().endsWith("norm.weight") || e.getKey().endsWith(".bias")) {
                NDArray p = e.getValue();
                float[] v = p.toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.2 * r.nextGaussian());
                }
                p.set(v);
            }
        }
        return m;
    }

    static NDArray longs(NDManager m, long[][] rows) {
        int b = rows.length;
        int s = rows[0].length;
        long[] flat = new long[b * s];
        for (int i = 0; i < b; i++) {
            System.arraycopy(rows[i], 0, flat, i * s, s);
        }
        return m.create(flat, new Shape(b, s));
    }
}
