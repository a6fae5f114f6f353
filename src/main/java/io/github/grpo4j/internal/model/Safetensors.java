package io.github.grpo4j.internal.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader and writer of the safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON ({@code name -> {dtype, shape, data_offsets}} plus an
 * optional {@code __metadata__} string map), then the raw little-endian tensor bytes, offsets relative
 * to the end of the header.
 *
 * <p>Tensors are read into {@link Tensor} values whose bytes are memory-mapped from the file; {@link
 * #toFloat32} widens BF16 and F16 to float32 in Java (the engine must never see a bf16 array).
 */
public final class Safetensors {
    private Safetensors() {}

    /** The format's own limit on the header size; anything larger is a corrupt or hostile file. */
    static final long MAX_HEADER = 100L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One tensor: dtype as safetensors names it ({@code F32}, {@code BF16}, {@code F16}, ...), shape, and
     * its raw little-endian bytes.
     */
    public record Tensor(String dtype, long[] shape, ByteBuffer data) {
        /** Number of elements (product of the shape). */
        public long numel() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        /** A float32 tensor holding {@code values} with {@code shape}. */
        public static Tensor ofFloats(float[] values, long... shape) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor("F32", shape.clone(), b);
        }
    }

    /** Bytes per element of the dtypes we understand, or -1. */
    static int dtypeSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> -1;
        };
    }

    /** Reads every tensor of {@code file}, in header order. */
    public static Map<String, Tensor> read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(file, ch);
            long dataStart = 8 + h.length();
            long dataLen = ch.size() - dataStart;
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = h.json().fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                out.put(e.getKey(), tensor(file, ch, e.getKey(), e.getValue(), dataStart, dataLen));
            }
            return out;
        } catch (IOException e) {
            throw new Grpo4jException("cannot read safetensors file " + file + ": " + IoErrors.reason(e), e);
        }
    }

    /** The {@code __metadata__} string map of {@code file} (empty when absent). */
    public static Map<String, String> readMetadata(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, String> out = new LinkedHashMap<>();
            header(file, ch).json().path("__metadata__").fields()
                    .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            return out;
        } catch (IOException e) {
            throw new Grpo4jException("cannot read safetensors file " + file + ": " + IoErrors.reason(e), e);
        }
    }

    private record Header(long length, JsonNode json) {}

    /** The length prefix and JSON header, checked against the file size. */
    private static Header header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw corrupt(file, "file has " + size + " bytes, less than the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
            throw corrupt(file, "header length " + headerLen + " is not between 1 and min(100 MiB, file size "
                    + size + " - 8)");
        }
        ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
        readFully(ch, headerBuf, 8);
        JsonNode json;
        try {
            json = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw corrupt(file, "header is not valid JSON: " + IoErrors.reason(e));
        }
        if (json == null || !json.isObject()) {
            throw corrupt(file, "header is not a JSON object");
        }
        return new Header(headerLen, json);
    }

    private static Tensor tensor(Path file, FileChannel ch, String name, JsonNode node, long dataStart, long dataLen)
            throws IOException {
        String where = "tensor '" + name + "'";
        if (!node.isObject()) {
            throw corrupt(file, where + " is not a JSON object");
        }
        String dtype = node.path("dtype").asText(null);
        int elemSize = dtype == null ? -1 : dtypeSize(dtype);
        if (elemSize < 0) {
            throw corrupt(file, where + " has unknown dtype " + node.get("dtype"));
        }
        JsonNode shapeNode = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw corrupt(file, where + " has no shape array");
        }
        if (offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw corrupt(file, where + " has no data_offsets [begin, end]");
        }
        long[] shape = new long[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode s = shapeNode.get(i);
            if (!s.isIntegralNumber() || s.asLong() < 0) {
                throw corrupt(file, where + " has a bad shape " + shapeNode);
            }
            shape[i] = s.asLong();
            numel = Math.multiplyExact(numel, shape[i]);
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (!offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber() || begin < 0 || end < begin
                || end > dataLen) {
            throw corrupt(file, where + " has data_offsets " + offsets + " outside the " + dataLen + " data bytes");
        }
        if (end - begin != numel * elemSize) {
            throw corrupt(file, where + ": data_offsets " + offsets + " span " + (end - begin) + " bytes but "
                    + dtype + " shape " + Arrays.toString(shape) + " needs " + numel * elemSize);
        }
        if (end - begin > Integer.MAX_VALUE) {
            throw new Grpo4jException(file + ": " + where + " is larger than 2 GiB, which this reader does not support");
        }
        ByteBuffer data = end == begin ? ByteBuffer.allocate(0)
                : ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
        return new Tensor(dtype, shape, data.order(ByteOrder.LITTLE_ENDIAN));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static Grpo4jException corrupt(Path file, String what) {
        return new Grpo4jException("corrupt safetensors file " + file + ": " + what);
    }

    /**
     * Writes {@code tensors} (in map order, data packed back to back) with {@code metadata} as
     * {@code __metadata__}; the header is padded with spaces to a multiple of 8 bytes, as the reference
     * implementation does, so data stays aligned.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            int elemSize = dtypeSize(t.dtype());
            if (elemSize < 0) {
                throw new IllegalArgumentException("unknown dtype " + t.dtype() + " for tensor " + e.getKey());
            }
            long bytes = t.numel() * elemSize;
            if (t.data().remaining() != bytes) {
                throw new IllegalArgumentException("tensor " + e.getKey() + " has " + t.data().remaining()
                        + " bytes, shape " + Arrays.toString(t.shape()) + " needs " + bytes);
            }
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", t.dtype());
            var shape = n.putArray("shape");
            for (long s : t.shape()) {
                shape.add(s);
            }
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (Tensor t : tensors.values()) {
                    writeFully(ch, t.data().duplicate());
                }
            }
        } catch (IOException e) {
            throw new Grpo4jException("cannot write safetensors file " + file + ": " + IoErrors.reason(e), e);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /**
     * The tensor's values as float32, little-endian, in a new direct buffer: F32 as is, BF16 widened
     * exactly (float32 bits = bf16 bits shifted left 16), F16 converted exactly.
     *
     * @throws Grpo4jException for other dtypes, naming the tensor
     */
    public static ByteBuffer toFloat32(String name, Tensor t) {
        return toFloat32(name, t, null);
    }

    /**
     * Like {@link #toFloat32(String, Tensor)}, writing into {@code scratch} when it is large enough (so a
     * loader can reuse one buffer for every tensor); the result has position 0 and limit 4·numel.
     */
    public static ByteBuffer toFloat32(String name, Tensor t, ByteBuffer scratch) {
        int n = Math.toIntExact(t.numel());
        ByteBuffer src = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = scratch != null && scratch.capacity() >= n * 4L ? scratch
                : ByteBuffer.allocateDirect(n * 4);
        out.clear().limit(n * 4);
        out.order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case "F32" -> out.put(src).flip();
            case "BF16" -> widen(src.asShortBuffer(), out.asIntBuffer(), n, false);
            case "F16" -> widen(src.asShortBuffer(), out.asIntBuffer(), n, true);
            default -> throw new Grpo4jException("tensor '" + name + "' has dtype " + t.dtype()
                    + "; supported weight dtypes: F32, BF16, F16");
        }
        return out;
    }

    /** The tensor's values as a float array (tests, small tensors). */
    public static float[] toFloatArray(String name, Tensor t) {
        float[] out = new float[Math.toIntExact(t.numel())];
        toFloat32(name, t).asFloatBuffer().get(out);
        return out;
    }

    // Chunked so the inner loop works on primitive arrays the JIT vectorises, not on buffer accessors.
    private static void widen(ShortBuffer src, IntBuffer dst, int n, boolean half) {
        final int chunk = 1 << 14;
        short[] in = new short[Math.min(chunk, n)];
        int[] out = new int[in.length];
        int[] table = half ? HalfTable.BITS : null;
        for (int start = 0; start < n; start += chunk) {
            int len = Math.min(chunk, n - start);
            src.get(in, 0, len);
            if (half) {
                for (int i = 0; i < len; i++) {
                    out[i] = table[in[i] & 0xffff];
                }
            } else {
                for (int i = 0; i < len; i++) {
                    out[i] = (in[i] & 0xffff) << 16;
                }
            }
            dst.put(out, 0, len);
        }
    }

    /** float32 bits of a bfloat16 value given by its 16 bits: exact, NaN payloads and signs kept. */
    public static int bf16ToFloatBits(short bf16) {
        return (bf16 & 0xffff) << 16;
    }

    /** float32 bits of an IEEE half given by its 16 bits: exact (every half is a float). */
    public static int halfToFloatBits(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            // zero or subnormal: mant * 2^-24, exact in float
            return sign | Float.floatToRawIntBits(mant * 0x1p-24f);
        }
        if (exp == 0x1f) {
            return sign | 0x7f800000 | (mant << 13); // infinity or NaN, payload kept
        }
        return sign | ((exp - 15 + 127) << 23) | (mant << 13);
    }

    /** All 65536 half → float conversions, built on first use. */
    private static final class HalfTable {
        static final int[] BITS = new int[1 << 16];

        static {
            for (int i = 0; i < BITS.length; i++) {
                BITS[i] = halfToFloatBits((short) i);
            }
        }
    }
}
