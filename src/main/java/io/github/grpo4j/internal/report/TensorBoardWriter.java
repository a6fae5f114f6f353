package io.github.grpo4j.internal.report;

import io.github.grpo4j.Grpo4jException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes scalars as a TensorBoard event file ({@code logging.report_to: [tensorboard]}), so
 * {@code tensorboard --logdir <output_dir>/tensorboard} plots every metric of {@code metrics.jsonl}.
 *
 * <p>No maintained JVM library writes this format, and it is small: a file is a sequence of TFRecords
 * (uint64 length, masked CRC32C of the length, the bytes, masked CRC32C of the bytes; little endian),
 * each holding one serialized {@code tensorflow.Event} protobuf. The first event carries
 * {@code file_version = "brain.Event:2"}; each later one a {@code step}, a {@code wall_time} and a
 * {@code Summary} of {@code Value{tag, simple_value}} entries. The handful of protobuf fields needed
 * are encoded here by hand.
 *
 * <p>Every event is appended with one write and the file closed again, like {@code metrics.jsonl}: a
 * run killed at any point leaves whole events (TensorBoard skips a cut-off last record). A new file is
 * started for each writer (the name holds the time, host and process id, as TensorBoard's writers do),
 * so a resumed run adds a file; its first step is marked with a {@code SessionLog START} event, on which
 * TensorBoard drops the later steps of the interrupted run that the resumed run writes again.
 */
public final class TensorBoardWriter {
    /** The sub-directory of the run directory that holds the event files. */
    public static final String DIR = "tensorboard";
    static final String FILE_VERSION = "brain.Event:2";
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path file;

    private TensorBoardWriter(Path file) {
        this.file = file;
    }

    /**
     * Creates a new event file in {@code dir} (created when missing) and writes its version record.
     *
     * @param resumeStep for a resumed run, the step it continues after (a {@code SessionLog START} event
     *     at {@code resumeStep + 1} is written); 0 for a fresh run
     */
    public static TensorBoardWriter create(Path dir, int resumeStep) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new Grpo4jException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        long now = System.currentTimeMillis();
        String name = "events.out.tfevents." + now / 1000 + "." + host() + "." + ProcessHandle.current().pid();
        Path file = dir.resolve(name);
        for (int i = 1; Files.exists(file); i++) {
            file = dir.resolve(name + "." + i); // two writers in one second of one process
        }
        TensorBoardWriter w = new TensorBoardWriter(file);
        ByteArrayOutputStream ev = new ByteArrayOutputStream();
        double wallTime = now / 1000.0;
        putDouble(ev, 1, wallTime);
        putBytes(ev, 3, FILE_VERSION.getBytes(StandardCharsets.UTF_8));
        w.append(ev.toByteArray());
        if (resumeStep > 0) {
            ByteArrayOutputStream start = new ByteArrayOutputStream();
            putDouble(start, 1, wallTime);
            putVarintField(start, 2, resumeStep + 1L);
            ByteArrayOutputStream sessionLog = new ByteArrayOutputStream();
            putVarintField(sessionLog, 1, 1); // SessionLog.status = START
            putBytes(start, 7, sessionLog.toByteArray()); // Event.session_log
            w.append(start.toByteArray());
        }
        return w;
    }

    /**
     * Removes the event files an earlier attempt left in {@code dir} (a run that starts over at step 0
     * redoes every step, as its {@code metrics.jsonl} does).
     */
    public static void startOver(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents.")).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new Grpo4jException("cannot remove the event files of the earlier attempt in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** The event file this writer appends to. */
    public Path file() {
        return file;
    }

    /**
     * Appends one event with a scalar per metric at {@code step}. NaN and ±inf are written as they are
     * (TensorBoard shows them as gaps); null values are left out.
     */
    public synchronized void write(int step, Map<String, Double> metrics) {
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            ByteArrayOutputStream value = new ByteArrayOutputStream();
            putBytes(value, 1, e.getKey().getBytes(StandardCharsets.UTF_8));
            putFloat(value, 2, e.getValue().floatValue());
            putBytes(summary, 1, value.toByteArray());
        }
        ByteArrayOutputStream ev = new ByteArrayOutputStream();
        putDouble(ev, 1, System.currentTimeMillis() / 1000.0);
        putVarintField(ev, 2, step);
        putBytes(ev, 5, summary.toByteArray());
        append(ev.toByteArray());
    }

    /** One TFRecord: length, masked CRC32C of the length, data, masked CRC32C of the data. */
    static byte[] record(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length);
        b.putInt(maskedCrc(b.array(), 0, 8));
        b.put(data);
        b.putInt(maskedCrc(data, 0, data.length));
        return b.array();
    }

    /** TensorFlow's masked CRC32C: rotate right by 15 bits, add a constant (uint32 arithmetic). */
    static int maskedCrc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    private void append(byte[] event) {
        try {
            Files.write(file, record(event), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new Grpo4jException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    // ---- protobuf wire format: tag = field number << 3 | wire type

    private static void putVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static void putVarintField(ByteArrayOutputStream out, int field, long v) {
        putVarint(out, (long) field << 3); // wire type 0
        putVarint(out, v);
    }

    private static void putDouble(ByteArrayOutputStream out, int field, double v) {
        putVarint(out, ((long) field << 3) | 1); // wire type 1: 64-bit
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)) & 0xFF);
        }
    }

    private static void putFloat(ByteArrayOutputStream out, int field, float v) {
        putVarint(out, ((long) field << 3) | 5); // wire type 5: 32-bit
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) {
            out.write((bits >>> (8 * i)) & 0xFF);
        }
    }

    private static void putBytes(ByteArrayOutputStream out, int field, byte[] bytes) {
        putVarint(out, ((long) field << 3) | 2); // wire type 2: length-delimited
        putVarint(out, bytes.length);
        out.writeBytes(bytes);
    }

    private static String host() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            return h.replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "localhost";
        }
    }
}
