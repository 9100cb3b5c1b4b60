package com.shopflow.ingest.files;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens a data file for reading, for {@code .csv.gz} through a decompressor whose output is capped. The file
 * was digested (SHA-256) when the run planned; after reading, its size, modification time and identity must still
 * be those of then, so a file replaced or rewritten meanwhile is caught without digesting it again on the
 * staging path (where the CPU goes to parsing).
 */
final class FileSource implements Closeable {
    private static final int BUFFER = 1 << 16;
    private final DropFile file;
    private final InputStream disk;
    private final InputStream data;

    private FileSource(DropFile file, InputStream disk, InputStream data) {
        this.file = file;
        this.disk = disk;
        this.data = data;
    }

    static FileSource open(DropFile file, long maxDecompressedBytes) throws IOException {
        InputStream disk = Files.newInputStream(file.path());
        if (!file.gzip() || file.size() == 0) {
            return new FileSource(file, disk, disk);
        }
        try {
            InputStream gz = new GZIPInputStream(disk, BUFFER);
            return new FileSource(file, disk, new Capped(gz, maxDecompressedBytes, file.name()));
        } catch (ZipException | java.io.EOFException e) {
            disk.close();
            throw new IngestException(ErrorCode.DATA, file.name() + " is named .csv.gz but does not start with gzip data ("
                    + e.getMessage() + "); the partner must re-deliver it");
        }
    }

    /** The decompressed bytes to parse. */
    InputStream data() {
        return data;
    }

    /** Checks the file is still the one planned (same size, modification time and identity). */
    void verify() throws IOException {
        if (!stamp(file.path()).equals(file.stamp())) {
            throw new IngestException(ErrorCode.NOT_READY, file.name() + " changed while it was being landed (its size, "
                    + "modification time or identity is no longer what this run started with); the partner may still be writing it. "
                    + "Retry later.");
        }
    }

    /** Size, modification time and file identity (inode), as one comparable string. */
    static String stamp(Path path) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
        return a.size() + "/" + a.lastModifiedTime().toInstant() + "/" + a.fileKey();
    }

    static String sha256(Path path) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(path)) {
            for (int n; (n = in.read(buf)) >= 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        data.close();
        disk.close();
    }

    /** Stops a decompression bomb: more than {@code cap} decompressed bytes is a data error. */
    static final class Capped extends FilterInputStream {
        private final long cap;
        private final String name;
        private long count;

        Capped(InputStream in, long cap, String name) {
            super(in);
            this.cap = cap;
            this.name = name;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) {
            count += n;
            if (count > cap) {
                throw new IngestException(ErrorCode.DATA, name + " expands to more than " + cap
                        + " bytes when decompressed (a decompression bomb?); nothing was landed. If the file is genuine, raise "
                        + "INGEST_FILES_MAX_DECOMPRESSED_BYTES");
            }
        }
    }
}
