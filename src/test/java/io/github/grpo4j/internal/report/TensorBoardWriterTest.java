package io.github.grpo4j.internal.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the event files back with an independent decoder: a bitwise CRC32C (checked against the
 * standard check value), TensorFlow's masking written out from its definition, and a small protobuf
 * reader.
 */
class TensorBoardWriterTest {

    @TempDir
    Path dir;

    @Test
    void bitwiseCrc32cMatchesTheStandardCheckValue() {
        assertThat(crc32c("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xE3069283L);
    }

    @Test
    void writesVersionThenOneEventPerStepWithValidCrcs() throws Exception {
        TensorBoardWriter w = TensorBoardWriter.create(dir, 0);
        Map<String, Double> m1 = new LinkedHashMap<>();
        m1.put("loss", 0.25);
        m1.put("rewards/correct/mean", -1.5);
        w.write(1, m1);
        w.write(2, Map.of("eval/accuracy", 0.75));
        w.write(3, Map.of("kl", Double.NaN));

        List<Map<Integer, List<Object>>> events = readEvents(w.file());
        assertThat(w.file().getFileName().toString()).startsWith("events.out.tfevents.");
        assertThat(events).hasSize(4);
        assertThat(string(events.get(0), 3)).isEqualTo("brain.Event:2");
        assertThat(events.get(0)).doesNotContainKey(2);
        assertThat((double) events.get(0).get(1).get(0)).isCloseTo(System.currentTimeMillis() / 1000.0,
                org.assertj.core.data.Offset.offset(60.0));

        assertThat(events.get(1).get(2)).containsExactly(1L);
        assertThat(scalars(events.get(1))).containsExactly(Map.entry("loss", 0.25f),
                Map.entry("rewards/correct/mean", -1.5f));
        assertThat(events.get(2).get(2)).containsExactly(2L);
        assertThat(scalars(events.get(2))).containsExactly(Map.entry("eval/accuracy", 0.75f));
        assertThat(scalars(events.get(3)).get("kl")).isNaN();
    }

    @Test
    void resumedWriterStartsANewFileMarkedWithSessionStart() throws Exception {
        TensorBoardWriter first = TensorBoardWriter.create(dir, 0);
        first.write(1, Map.of("loss", 1.0));
        TensorBoardWriter resumed = TensorBoardWriter.create(dir, 5);
        resumed.write(6, Map.of("loss", 2.0));
        assertThat(resumed.file()).isNotEqualTo(first.file());
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(2);
        }
        List<Map<Integer, List<Object>>> events = readEvents(resumed.file());
        assertThat(events).hasSize(3);
        assertThat(events.get(1).get(2)).containsExactly(6L);
        Map<Integer, List<Object>> sessionLog = message(events.get(1), 7); // Event.session_log
        assertThat(sessionLog.get(1)).containsExactly(1L); // SessionLog.START
        assertThat(scalars(events.get(2))).containsExactly(Map.entry("loss", 2.0f));
    }

    @Test
    void metricsLogMirrorsEveryLineToTensorBoard() throws Exception {
        io.github.grpo4j.internal.train.MetricsLog log = io.github.grpo4j.internal.train.MetricsLog.open(dir);
        TensorBoardWriter w = TensorBoardWriter.create(dir.resolve(TensorBoardWriter.DIR), 0);
        log.mirrorTo(w::write);
        log.append(1, Map.of("reward", 0.5, "loss", 0.125));
        log.append(1, Map.of("eval/accuracy", 0.25));
        List<Map<Integer, List<Object>>> events = readEvents(w.file());
        assertThat(events).hasSize(3);
        assertThat(scalars(events.get(1))).containsOnly(Map.entry("reward", 0.5f), Map.entry("loss", 0.125f));
        assertThat(scalars(events.get(2))).containsOnly(Map.entry("eval/accuracy", 0.25f));
    }

    // ---- an independent reader

    static List<Map<Integer, List<Object>>> readEvents(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Map<Integer, List<Object>>> events = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] len = new byte[8];
            b.get(len);
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertThat(b.getInt()).as("length crc").isEqualTo(mask(crc32c(len)));
            byte[] data = new byte[(int) n];
            b.get(data);
            assertThat(b.getInt()).as("data crc").isEqualTo(mask(crc32c(data)));
            events.add(parse(data));
        }
        return events;
    }

    /** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), one bit at a time. */
    static long crc32c(byte[] data) {
        long crc = 0xFFFFFFFFL;
        for (byte x : data) {
            crc ^= x & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x82F63B78L : crc >>> 1;
            }
        }
        return crc ^ 0xFFFFFFFFL;
    }

    /** TensorFlow's mask: ((crc >> 15) | (crc << 17)) + 0xa282ead8, modulo 2^32. */
    static int mask(long crc) {
        long rotated = ((crc >>> 15) | (crc << 17)) & 0xFFFFFFFFL;
        return (int) ((rotated + 0xa282ead8L) & 0xFFFFFFFFL);
    }

    /** Field number → values (Long for varints, Double / Float for fixed, byte[] for length-delimited). */
    static Map<Integer, List<Object>> parse(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, List<Object>> fields = new LinkedHashMap<>();
        while (b.hasRemaining()) {
            long tag = varint(b);
            int field = (int) (tag >>> 3);
            Object v = switch ((int) (tag & 7)) {
                case 0 -> varint(b);
                case 1 -> b.getDouble();
                case 5 -> b.getFloat();
                case 2 -> {
                    byte[] bytes = new byte[(int) varint(b)];
                    b.get(bytes);
                    yield bytes;
                }
                default -> throw new AssertionError("wire type " + (tag & 7));
            };
            fields.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
        }
        return fields;
    }

    static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b.get() & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if (x < 0x80) {
                return v;
            }
        }
    }

    static String string(Map<Integer, List<Object>> m, int field) {
        return new String((byte[]) m.get(field).get(0), StandardCharsets.UTF_8);
    }

    static Map<Integer, List<Object>> message(Map<Integer, List<Object>> m, int field) {
        return parse((byte[]) m.get(field).get(0));
    }

    /** Summary (field 5) → tag → simple_value. */
    static Map<String, Float> scalars(Map<Integer, List<Object>> event) {
        Map<String, Float> out = new LinkedHashMap<>();
        for (Object v : message(event, 5).get(1)) {
            Map<Integer, List<Object>> value = parse((byte[]) v);
            out.put(string(value, 1), (Float) value.get(2).get(0));
        }
        return out;
    }
}
