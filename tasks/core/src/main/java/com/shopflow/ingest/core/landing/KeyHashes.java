package com.shopflow.ingest.core.landing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The 64-bit hashes of every key a process staged, to tell at the end which hashes occur more than once: then
 * a partition without duplicates is published without searching it, and one with a few is searched for those
 * keys only. Memory is one fixed buffer: when it fills, it is sorted and written to a temporary file as a run
 * (8 bytes per key on disk), and the runs are merged at the end. Two different keys may share a hash (about
 * once in 10^12 pairs), which only makes the search look at a key that turns out unique.
 */
public final class KeyHashes implements AutoCloseable {
    private static final int DEFAULT_BUFFER = 1 << 21; // 16 MiB
    private static final int MAX_REPEATED = 100_000;

    private final long[] buffer;
    private final int maxRepeated;
    private int size;
    private long count;
    private Path spill;
    private final List<long[]> runs = new ArrayList<>(); // {offset, length} in the spill file

    public KeyHashes(int bufferKeys, int maxRepeated) {
        this.buffer = new long[bufferKeys];
        this.maxRepeated = maxRepeated;
    }

    public static KeyHashes standard() {
        return new KeyHashes(DEFAULT_BUFFER, MAX_REPEATED);
    }

    /** Records one key, given as its UTF-8 bytes. */
    public void add(byte[] key, int off, int len) {
        if (size == buffer.length) {
            spillRun();
        }
        buffer[size++] = hash(key, off, len);
        count++;
    }

    public long count() {
        return count;
    }

    /**
     * The hashes seen more than once, or null when more than {@code maxRepeated} repeat (the publish then
     * searches everything).
     */
    public Set<Long> repeated() {
        Arrays.parallelSort(buffer, 0, size); // the run's last step: the other core is free by now
        Set<Long> out = new HashSet<>();
        if (runs.isEmpty()) {
            for (int i = 1; i < size; i++) {
                if (buffer[i] == buffer[i - 1] && out.add(buffer[i]) && out.size() > maxRepeated) {
                    return null;
                }
            }
            return out;
        }
        return merged(out);
    }

    /** Merges the sorted runs and the sorted buffer, with a heap of run indices keyed on each run's head (no allocation per key). */
    private Set<Long> merged(Set<Long> out) {
        int k = runs.size();
        DataInputStream[] streams = new DataInputStream[k];
        long[] head = new long[k];
        long[] remaining = new long[k];
        int[] heap = new int[k];
        try {
            for (int i = 0; i < k; i++) {
                var in = Files.newInputStream(spill);
                in.skipNBytes(runs.get(i)[0]);
                streams[i] = new DataInputStream(new BufferedInputStream(in, 1 << 16));
                head[i] = streams[i].readLong();
                remaining[i] = runs.get(i)[1] - 1;
                heap[i] = i;
            }
            int live = k;
            for (int i = k / 2 - 1; i >= 0; i--) {
                siftDown(heap, live, i, head);
            }
            int tail = 0;
            boolean first = true;
            long last = 0;
            while (live > 0 || tail < size) {
                long v;
                if (tail < size && (live == 0 || buffer[tail] <= head[heap[0]])) {
                    v = buffer[tail++];
                } else {
                    int src = heap[0];
                    v = head[src];
                    if (remaining[src] > 0) {
                        remaining[src]--;
                        head[src] = streams[src].readLong();
                    } else {
                        heap[0] = heap[--live];
                    }
                    siftDown(heap, live, 0, head);
                }
                if (!first && v == last && out.add(v) && out.size() > maxRepeated) {
                    return null;
                }
                first = false;
                last = v;
            }
            return out;
        } catch (EOFException e) {
            throw new IllegalStateException("a run of key hashes was cut short in " + spill, e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading key hashes back from " + spill + " failed", e);
        } finally {
            for (DataInputStream d : streams) {
                if (d != null) {
                    try {
                        d.close();
                    } catch (IOException ignored) {
                        // Read only.
                    }
                }
            }
        }
    }

    private static void siftDown(int[] heap, int n, int i, long[] key) {
        while (true) {
            int least = i;
            int l = 2 * i + 1;
            int r = l + 1;
            if (l < n && key[heap[l]] < key[heap[least]]) {
                least = l;
            }
            if (r < n && key[heap[r]] < key[heap[least]]) {
                least = r;
            }
            if (least == i) {
                return;
            }
            int t = heap[i];
            heap[i] = heap[least];
            heap[least] = t;
            i = least;
        }
    }

    private void spillRun() {
        Arrays.sort(buffer, 0, size);
        try {
            if (spill == null) {
                spill = Files.createTempFile("shopflow-key-hashes-", ".bin");
            }
            long offset = Files.size(spill);
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(spill, java.nio.file.StandardOpenOption.APPEND), 1 << 16))) {
                for (int i = 0; i < size; i++) {
                    out.writeLong(buffer[i]);
                }
            }
            runs.add(new long[] {offset, size});
            size = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("writing key hashes to a temporary file failed (is java.io.tmpdir writable and not full?)", e);
        }
    }

    @Override
    public void close() {
        if (spill != null) {
            try {
                Files.deleteIfExists(spill);
            } catch (IOException ignored) {
                // A temporary file.
            }
            spill = null;
        }
    }

    /** FNV-1a over the bytes, then a 64-bit finalizer so every bit of the result depends on every byte. */
    public static long hash(byte[] b, int off, int len) {
        long h = 0xcbf29ce484222325L;
        for (int i = off, end = off + len; i < end; i++) {
            h = (h ^ (b[i] & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
