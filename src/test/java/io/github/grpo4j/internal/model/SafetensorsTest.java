package io.github.grpo4j.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void writeThenReadIsBitExactIncludingSpecialValuesAndMetadata() {
        Random r = new Random(7);
        float[] a = new float[6 * 5];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        a[0] = -0.0f;
        a[1] = Float.MIN_VALUE; // subnormal
        a[2] = Float.NEGATIVE_INFINITY;
        a[3] = Float.intBitsToFloat(0x7fc01234); // NaN with a payload
        float[] b = {3.5f};
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("model.layers.0.mlp.up_proj.weight", Safetensors.Tensor.ofFloats(a, 6, 5));
        tensors.put("scalar_like", Safetensors.Tensor.ofFloats(b, 1));
        Path file = dir.resolve("x.safetensors");
        Safetensors.write(file, tensors, Map.of("format", "pt"));

        Map<String, Safetensors.Tensor> back = Safetensors.read(file);
        assertThat(back.keySet()).containsExactly("model.layers.0.mlp.up_proj.weight", "scalar_like");
        Safetensors.Tensor t = back.get("model.layers.0.mlp.up_proj.weight");
        assertThat(t.dtype()).isEqualTo("F32");
        assertThat(t.shape()).containsExactly(6, 5);
        float[] read = Safetensors.toFloatArray("a", t);
        for (int i = 0; i < a.length; i++) {
            assertThat(Float.floatToRawIntBits(read[i])).isEqualTo(Float.floatToRawIntBits(a[i]));
        }
        assertThat(Safetensors.toFloatArray("b", back.get("scalar_like"))).containsExactly(3.5f);
        assertThat(Safetensors.readMetadata(file)).containsEntry("format", "pt");
    }

    @Test
    void headerIsPaddedWithSpacesToEightBytesAndDataFollowsPacked() throws IOException {
        Path file = dir.resolve("p.safetensors");
        Safetensors.write(file, Map.of("w", Safetensors.Tensor.ofFloats(new float[] {1, 2, 3}, 3)), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}");
        assertThat(header.substring(header.lastIndexOf('}') + 1)).matches(" *");
        assertThat(bytes.length).isEqualTo(8 + n + 12);
        assertThat(ByteBuffer.wrap(bytes, (int) (8 + n), 12).order(ByteOrder.LITTLE_ENDIAN).getFloat()).isEqualTo(1f);
    }

    /** Independent value of a bf16 bit pattern: sign · 2^(e−127) · (1 + m/128), in double. */
    private static double bf16Value(int bits) {
        int sign = (bits >> 15) & 1;
        int e = (bits >> 7) & 0xff;
        int m = bits & 0x7f;
        double mag = e == 0 ? m / 128.0 * Math.pow(2, -126) : (1 + m / 128.0) * Math.pow(2, e - 127);
        return sign == 1 ? -mag : mag;
    }

    @Test
    void everyFiniteBf16PatternWidensToItsExactValue() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            if (((bits >> 7) & 0xff) == 0xff) {
                continue; // inf / NaN: checked below
            }
            float f = Float.intBitsToFloat(Safetensors.bf16ToFloatBits((short) bits));
            assertThat((double) f).as("bf16 0x%04x", bits).isEqualTo(bf16Value(bits));
        }
        assertThat(Float.intBitsToFloat(Safetensors.bf16ToFloatBits((short) 0x7f80))).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.intBitsToFloat(Safetensors.bf16ToFloatBits((short) 0x7fc1))).isNaN();
    }

    @Test
    void bf16TensorLoadsAsCorrectlyRoundedFloat32() {
        // 1 + 2^-7 and -3 · 2^-130 (a subnormal in float32) are exact in bf16
        short[] raw = {(short) 0x3f81, (short) 0x8018, (short) 0x4049};
        ByteBuffer b = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : raw) {
            b.putShort(s);
        }
        b.flip();
        float[] f = Safetensors.toFloatArray("t", new Safetensors.Tensor("BF16", new long[] {3}, b));
        assertThat(f).containsExactly(1 + 0x1p-7f, -3 * 0x1p-130f, 3.140625f);
    }

    @Test
    void everyF16PatternConvertsLikeTheEngine() {
        ByteBuffer all = ByteBuffer.allocateDirect(2 << 16).order(ByteOrder.nativeOrder());
        for (int bits = 0; bits < 1 << 16; bits++) {
            all.putShort((short) bits);
        }
        all.flip();
        float[] engine;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray half = m.create(all, new Shape(1 << 16), DataType.FLOAT16);
            engine = half.toType(DataType.FLOAT32, false).toFloatArray();
        }
        all.rewind();
        float[] ours = Safetensors.toFloatArray("h",
                new Safetensors.Tensor("F16", new long[] {1 << 16}, all.order(ByteOrder.LITTLE_ENDIAN)));
        for (int bits = 0; bits < 1 << 16; bits++) {
            if (Float.isNaN(engine[bits])) {
                assertThat(ours[bits]).isNaN();
            } else {
                assertThat(Float.floatToRawIntBits(ours[bits])).as("f16 0x%04x", bits)
                        .isEqualTo(Float.floatToRawIntBits(engine[bits]));
            }
        }
        assertThat(ours[0x3c00]).isEqualTo(1f);
        assertThat(ours[0x0001]).isEqualTo(0x1p-24f);
        assertThat(ours[0xfbff]).isEqualTo(-65504f);
    }

    private Path raw(byte[] header, int dataBytes) throws IOException {
        Path file = dir.resolve("bad.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Files.write(file, b.array());
        return file;
    }

    @Test
    void corruptFilesAreClearErrors() throws IOException {
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Safetensors.read(tiny)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("corrupt safetensors file").hasMessageContaining("less than the 8-byte");

        Path huge = dir.resolve("huge.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> Safetensors.read(huge)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("header length 1099511627776");

        Path notJson = raw("{\"a\": [".getBytes(StandardCharsets.UTF_8), 0);
        assertThatThrownBy(() -> Safetensors.read(notJson)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("not valid JSON: line 1, column ")
                .hasMessageNotContaining("Source:");

        Path outside = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}".getBytes(
                StandardCharsets.UTF_8), 8);
        assertThatThrownBy(() -> Safetensors.read(outside)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("tensor 'w'").hasMessageContaining("outside the 8 data bytes");

        Path mismatch = raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}".getBytes(
                StandardCharsets.UTF_8), 8);
        assertThatThrownBy(() -> Safetensors.read(mismatch)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("needs 12");

        Path dtype = raw("{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}".getBytes(
                StandardCharsets.UTF_8), 8);
        assertThatThrownBy(() -> Safetensors.read(dtype)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("unknown dtype \"Q4\"");
    }

    @Test
    void integerTensorsAreReadButRejectedAsWeightsNamingTheTensor() throws IOException {
        Path file = raw("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}".getBytes(
                StandardCharsets.UTF_8), 8);
        Safetensors.Tensor t = Safetensors.read(file).get("ids");
        assertThat(t.dtype()).isEqualTo("I64");
        assertThatThrownBy(() -> Safetensors.toFloat32("ids", t)).isInstanceOf(Grpo4jException.class)
                .hasMessageContaining("'ids'").hasMessageContaining("F32, BF16, F16");
    }
}
