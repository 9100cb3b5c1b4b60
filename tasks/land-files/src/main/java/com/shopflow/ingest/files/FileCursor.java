package com.shopflow.ingest.files;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/** An open data file positioned at a record: its reader, the position of its key field and its field count. */
final class FileCursor implements Closeable {
    final int index;
    final DropFile file;
    final CsvReader reader;
    final int keyField;
    final int fieldCount;
    private final FileSource source;
    private boolean ended;
    private boolean finished;

    private FileCursor(int index, DropFile file, FileSource source, CsvReader reader, int keyField, int fieldCount) {
        this.index = index;
        this.file = file;
        this.source = source;
        this.reader = reader;
        this.keyField = keyField;
        this.fieldCount = fieldCount;
    }

    /** Opens file {@code index} and skips its first {@code records} records (the header counts as one). */
    static FileCursor open(int index, DropFile file, long records, long maxDecompressedBytes,
                           int maxRecordBytes) throws IOException {
        FileSource src = FileSource.open(file, maxDecompressedBytes);
        try {
            CsvReader r = new CsvReader(src.data(), maxRecordBytes);
            List<String> header = file.header();
            FileCursor c = new FileCursor(index, file, src, r, header.indexOf(Header.KEY), header.size());
            long skip = Math.max(1, records);
            while (r.records() < skip) {
                if (!r.next()) {
                    c.ended = true;
                    break;
                }
            }
            return c;
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    /** The next record, or false at the end of the file (after checking the file is the one planned). */
    boolean next() throws IOException {
        if (finished) {
            return false;
        }
        if (!ended && reader.next()) {
            return true;
        }
        finished = true;
        source.verify();
        return false;
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
