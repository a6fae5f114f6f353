package io.github.grpo4j.internal.model;

/**
 * Rotary position embedding frequencies as Hugging Face computes them ({@code
 * modeling_rope_utils.py}): {@code inv_freq[i] = 1 / theta^(2i/d)}, optionally rescaled by Llama 3's
 * {@code rope_scaling}. The rotation itself (rotate_half convention) is applied in {@link Transformer}.
 */
final class Rope {
    private Rope() {}

    /** {@code [headDim / 2]} inverse frequencies for {@code config}. */
    static float[] inverseFrequencies(ModelConfig config) {
        int d = config.headDim();
        double[] inv = new double[d / 2];
        for (int i = 0; i < inv.length; i++) {
            inv[i] = 1.0 / Math.pow(config.ropeTheta(), (2.0 * i) / d);
        }
        ModelConfig.RopeScaling s = config.ropeScaling();
        if (s != null) {
            llama3(inv, s);
        }
        float[] out = new float[inv.length];
        for (int i = 0; i < inv.length; i++) {
            out[i] = (float) inv[i];
        }
        return out;
    }

    /**
     * Llama 3.1's scaling: long wavelengths are divided by {@code factor}, short ones kept, and the band
     * between interpolates smoothly (transformers' {@code _compute_llama3_parameters}).
     */
    private static void llama3(double[] inv, ModelConfig.RopeScaling s) {
        double oldLen = s.originalMaxPositionEmbeddings();
        double lowWavelen = oldLen / s.lowFreqFactor();
        double highWavelen = oldLen / s.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) {
                inv[i] = inv[i] / s.factor();
            } else if (wavelen >= highWavelen) {
                double smooth = (oldLen / wavelen - s.lowFreqFactor()) / (s.highFreqFactor() - s.lowFreqFactor());
                inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
            }
        }
    }
}
