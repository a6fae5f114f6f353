package io.github.grpo4j.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.grpo4j.Grpo4jException;
import io.github.grpo4j.internal.IoErrors;
import io.github.grpo4j.internal.tensor.GradMode;
import io.github.grpo4j.internal.tensor.OwnedArrays;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A frozen {@link Transformer} whose weights live in a file instead of memory: the lean reference model of
 * full fine-tuning. It only scores ({@link #values}): the forward streams the weights layer by layer (read
 * a layer's tensors into a scoped manager, run that layer for every row of every micro-batch, free them),
 * so only one decoder layer, or the embedding, or the output head, is resident at a time, besides the
 * hidden states {@code [rows, width, hidden]}.
 *
 * <p>The file is a snapshot of the weights as they are when {@link #snapshot} is called, written once as
 * raw float32 into a temporary directory. Once the file is open for reading, the file and its directory are
 * deleted (the open channel keeps the data readable on Linux and macOS), so a run that is killed, even with
 * SIGKILL, leaves nothing behind; where the system refuses to delete an open file, {@link #close} deletes it.
 * Reading it back gives the same bits,
 * and the forward runs the same operations as {@link ChunkedScoring#values}, so the log-probs are
 * bit-identical to a resident copy's. Reads go through positional file reads into one reused buffer, not
 * memory mapping, so the file's pages stay in the page cache rather than in this process's resident set.
 */
public final class OffloadedModel implements ConfiguredLm {
    /** Bytes read at once (at least one row): tensors larger than this are filled in blocks of rows. */
    static final int BLOCK_BYTES = 32 << 20;
    private static final String EMBED = "model.embed_tokens.weight";

    private final ModelConfig config;
    private final Path dir;
    private final Path file;
    private final Map<String, Entry> index;
    private final ByteBuffer buffer;
    private FileChannel channel;

    /** Where a tensor's float32 values start in the file, and its shape. */
    private record Entry(long offset, Shape shape) {}

    private OffloadedModel(ModelConfig config, Path dir, Path file, Map<String, Entry> index, int blockBytes)
            throws IOException {
        this.config = config;
        this.dir = dir;
        this.file = file;
        this.index = index;
        long largest = 0;
        long widestRow = 0;
        for (Entry e : index.values()) {
            largest = Math.max(largest, e.shape().size() * 4);
            widestRow = Math.max(widestRow, e.shape().size() * 4 / e.shape().get(0));
        }
        // a small model reads each tensor at once; a row is never split
        int capacity = Math.toIntExact(Math.max(widestRow, Math.min(blockBytes, largest)));
        this.buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        // unlinked while open: the data lives as long as the channel, the name not at all, so no kill of
        // the process can leave the snapshot on disk; close() deletes it where the system refuses (Windows)
        deleteQuietly(dir);
    }

    /**
     * Writes {@code model}'s base weights (the adapters, if any, left out) as they are now into a new
     * temporary directory under {@code parent} (the system's temporary directory when null), block by
     * block so no second copy of a tensor is made in memory.
     *
     * @throws Grpo4jException when the file cannot be written (e.g. the disk is full)
     */
    public static OffloadedModel snapshot(Transformer model, Path parent) {
        return snapshot(model, parent, BLOCK_BYTES);
    }

    /** As {@link #snapshot(Transformer, Path)}, reading and writing at most {@code blockBytes} at once (tests). */
    static OffloadedModel snapshot(Transformer model, Path parent, int blockBytes) {
        Path dir = null;
        try {
            dir = parent == null ? Files.createTempDirectory("grpo4j-reference")
                    : Files.createTempDirectory(Files.createDirectories(parent), "grpo4j-reference");
            Path file = dir.resolve("reference.f32");
            Map<String, Entry> index = new LinkedHashMap<>();
            long offset = 0;
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    GradMode off = GradMode.off()) {
                for (Map.Entry<String, NDArray> e : model.baseParameters().entrySet()) {
                    NDArray p = e.getValue();
                    Shape shape = p.getShape();
                    index.put(e.getKey(), new Entry(offset, shape));
                    long rows = shape.get(0);
                    long rowBytes = shape.size() * 4 / Math.max(1, rows);
                    long perBlock = Math.max(1, blockBytes / Math.max(1, rowBytes));
                    for (long r = 0; r < rows; r += perBlock) {
                        long end = Math.min(rows, r + perBlock);
                        try (NDArray block = p.get(new NDIndex("{}:{}", r, end))) {
                            ByteBuffer bytes = block.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                            while (bytes.hasRemaining()) {
                                offset += out.write(bytes);
                            }
                        }
                    }
                }
            }
            return new OffloadedModel(model.config(), dir, file, index, blockBytes);
        } catch (IOException e) {
            deleteQuietly(dir);
            throw new Grpo4jException("cannot write the offloaded reference weights under "
                    + (dir != null ? dir : parent == null ? "the temporary directory" : parent) + ": "
                    + IoErrors.reason(e), e);
        } catch (RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    /**
     * {@return the file the weights were written to; already deleted while this model reads it, where the
     * system allows deleting an open file}
     */
    public Path file() {
        return file;
    }

    /**
     * {@return the size of the snapshot in bytes}
     *
     * @throws Grpo4jException after {@link #close}, or when the size cannot be read
     */
    public long bytes() {
        try {
            if (channel == null) {
                throw new IOException("closed");
            }
            return channel.size();
        } catch (IOException e) {
            throw new Grpo4jException("cannot read the size of the offloaded reference weights " + file + ": "
                    + IoErrors.reason(e), e);
        }
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    /**
     * Log-probs and entropies {@code [B, T]} (zero past each completion's end) of every batch, in {@code out},
     * without gradients: the same values as {@link ChunkedScoring#values} on the model the snapshot was
     * taken of. The weights are read once for all the batches.
     *
     * @param batches the micro-batches, each its own layout
     * @param memory  the chunk of the output head
     * @param out     owns the results
     * @return per batch, {@code {logProbs, entropy}}
     */
    public List<NDArray[]> values(List<ChunkedScoring.Batch> batches, MemorySettings memory, NDManager out) {
        int n = batches.size();
        List<NDArray[]> results = new ArrayList<>(n);
        try (GradMode off = GradMode.off(); NDManager scope = out.newSubManager()) {
            NDArray[] x = new NDArray[n];
            Transformer.Tables[] tables = new Transformer.Tables[n];
            try (NDManager wm = scope.newSubManager()) {
                Transformer part = part(wm, List.of(EMBED));
                for (int i = 0; i < n; i++) {
                    ChunkedScoring.Batch b = batches.get(i);
                    int width = (int) b.ids().getShape().get(1);
                    tables[i] = part.tables(b.positions(), b.mask(), width, scope);
                    x[i] = part.embed(b.ids(), scope);
                }
            }
            for (int l = 0; l < config.numHiddenLayers(); l++) {
                try (NDManager wm = scope.newSubManager()) {
                    Transformer part = part(wm, layerNames(l));
                    for (int i = 0; i < n; i++) {
                        try (NDManager lm = wm.newSubManager()) {
                            x[i].attach(lm); // the layer's input dies with the layer; its output moves to scope
                            NDArray next = part.layer(l, x[i], tables[i], lm, false, false);
                            next.attach(scope);
                            x[i] = next;
                        }
                    }
                }
            }
            try (NDManager wm = scope.newSubManager()) {
                Transformer part = part(wm, headNames());
                for (int i = 0; i < n; i++) {
                    ChunkedScoring.Batch b = batches.get(i);
                    NDArray predicting = x[i].get(new NDIndex(":, {}:{}", b.firstLogit(), b.firstLogit() + b.steps()));
                    NDArray flat = predicting.reshape(-1, predicting.getShape().get(2)); // [B*T, D]
                    flat.attach(scope);
                    predicting.close();
                    NDArray[] r = ChunkedScoring.headValues(part, flat, b,
                            memory.chunkFor((long) b.rows() * b.steps()), scope);
                    r[0].attach(out);
                    r[1].attach(out);
                    results.add(r);
                }
            }
        }
        return results;
    }

    /** A model over only the tensors {@code names}, read from the file into {@code m}; other weights are null. */
    private Transformer part(NDManager m, List<String> names) {
        Map<String, NDArray> params = new LinkedHashMap<>();
        for (String name : names) {
            params.put(name, read(name, m));
        }
        return new Transformer(config, m, params);
    }

    private List<String> layerNames(int l) {
        String prefix = "model.layers." + l + ".";
        return index.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    private List<String> headNames() {
        return List.of("model.norm.weight", config.tieWordEmbeddings() ? EMBED : "lm_head.weight");
    }

    /** Tensor {@code name} into a new array of {@code m}, in blocks of rows of at most {@link #BLOCK_BYTES}. */
    private NDArray read(String name, NDManager m) {
        Entry e = index.get(name);
        Shape shape = e.shape();
        long rows = shape.get(0);
        long rowBytes = shape.size() * 4 / Math.max(1, rows);
        long perBlock = Math.max(1, buffer.capacity() / rowBytes);
        NDArray target = null;
        try {
            if (perBlock >= rows) { // one read: a PyTorch-owned copy of the buffer, which is reused
                fill(e.offset(), rows * rowBytes);
                target = OwnedArrays.owned(m.create(buffer, shape, DataType.FLOAT32));
            } else {
                target = m.zeros(shape, DataType.FLOAT32);
                for (long r = 0; r < rows; r += perBlock) {
                    long end = Math.min(rows, r + perBlock);
                    fill(e.offset() + r * rowBytes, (end - r) * rowBytes);
                    // create aliases the reused buffer; set copies it into the target before the next read
                    try (NDArray block = m.create(buffer, new Shape(concat(end - r, shape.slice(1).getShape())),
                            DataType.FLOAT32)) {
                        target.set(new NDIndex("{}:{}", r, end), block);
                    }
                }
            }
        } catch (IOException ex) {
            if (target != null) {
                target.close();
            }
            throw new Grpo4jException("cannot read the offloaded reference weights " + file + " (tensor '" + name
                    + "'): " + IoErrors.reason(ex), ex);
        }
        target.setName(name);
        return target;
    }

    /** Reads {@code bytes} bytes from {@code position} into the buffer, ready to be read. */
    private void fill(long position, long bytes) throws IOException {
        buffer.clear().limit(Math.toIntExact(bytes));
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        buffer.flip();
    }

    private static long[] concat(long first, long[] rest) {
        long[] out = new long[rest.length + 1];
        out[0] = first;
        System.arraycopy(rest, 0, out, 1, rest.length);
        return out;
    }

    /** Not supported: the offloaded model scores, it does not generate. */
    @Override
    public KvCache newCache(NDManager manager, int batch, int capacity) {
        throw new UnsupportedOperationException("the offloaded reference model scores completions; it does not generate");
    }

    /** Not supported: use {@link #values}. */
    @Override
    public NDArray forward(NDArray ids, NDArray positions, NDArray attentionMask, KvCache cache) {
        throw new UnsupportedOperationException("the offloaded reference model scores through values(), without a graph");
    }

    /** {@return no trainable parameters} */
    @Override
    public Map<String, NDArray> parameters() {
        return Map.of();
    }

    /** Closes the file, and deletes it with its directory if they still exist. */
    @Override
    public void close() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        } catch (IOException e) {
            // deleting follows; nothing else holds the channel
        }
        deleteQuietly(dir);
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory: the system cleans it up if we cannot
        }
    }
}
