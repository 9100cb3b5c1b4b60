package com.shopflow.ingest.files;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.pg.Identifiers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header row of a data file: its column names exactly as written. A header that cannot name warehouse
 * columns (empty, longer than 63 bytes, NUL, duplicated, a PostgreSQL system column such as {@code xmin}, a landing
 * metadata name in any case, a name starting with {@code _ingest}, or more columns than {@code INGEST_FILES_MAX_COLUMNS})
 * stops the run as a data error naming the file, before any DDL; every other name, however odd, is only ever used quoted.
 */
final class Header {
    static final String KEY = "order_ref";
    static final String SOURCE_FILE = "_source_file";
    static final String SOURCE_LINE = "_source_line";
    static final Set<String> RESERVED = Set.of(SOURCE_FILE, SOURCE_LINE, RawTable.INTERVAL_START, RawTable.INTERVAL_END);

    private Header() {
    }

    /** The header of {@code file}, or an empty list for an empty file. */
    static List<String> read(DropFile file, long maxDecompressedBytes, int maxRecordBytes) throws IOException {
        return read(file, maxDecompressedBytes, maxRecordBytes, RawTable.MAX_TABLE_COLUMNS);
    }

    static List<String> read(DropFile file, long maxDecompressedBytes, int maxRecordBytes, int maxColumns) throws IOException {
        if (!file.gzip() && startsWithGzipMagic(file)) {
            throw bad(file, "it holds gzip content but is named .csv (a compressed file must be named .csv.gz)");
        }
        try (FileSource src = FileSource.open(file, maxDecompressedBytes);
             CsvReader r = new CsvReader(src.data(), maxRecordBytes)) {
            if (!r.next()) {
                return List.of();
            }
            String problem = r.error();
            if (problem == null && r.hasNul()) {
                problem = "it contains a NUL byte";
            }
            if (problem == null && r.hasNonAscii() && new Utf8().firstInvalid(r.raw(), r.rawLength()) >= 0) {
                problem = "it is not valid UTF-8";
            }
            if (problem != null) {
                throw bad(file, "the header row is malformed: " + problem);
            }
            if (r.fieldCount() > maxColumns) {
                throw bad(file, "the header has " + r.fieldCount() + " columns, more than INGEST_FILES_MAX_COLUMNS (" + maxColumns
                        + ") allows a feed");
            }
            List<String> names = new ArrayList<>(r.fieldCount());
            for (int i = 0; i < r.fieldCount(); i++) {
                names.add(r.text(i));
            }
            validate(file, names);
            return names;
        }
    }

    private static boolean startsWithGzipMagic(DropFile file) throws IOException {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file.path())) {
            byte[] b = in.readNBytes(2);
            return b.length == 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
        }
    }

    static void validate(DropFile file, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            try {
                Identifiers.validate(name);
            } catch (IngestException e) {
                throw bad(file, "column " + (i + 1) + " of the header: " + e.getMessage());
            }
            String lower = name.toLowerCase(Locale.ROOT);
            if (RESERVED.stream().anyMatch(r -> r.equalsIgnoreCase(name)) || lower.startsWith("_ingest")) {
                throw bad(file, "the header has a column named " + Identifiers.printable(name)
                        + ", which is reserved for landing metadata");
            }
            if (RawTable.SYSTEM_COLUMNS.contains(name)) {
                throw bad(file, "the header has a column named " + name + ", which is a PostgreSQL system column");
            }
            if (!seen.add(name)) {
                throw bad(file, "the header names column '" + Identifiers.printable(name) + "' twice");
            }
        }
        if (!seen.contains(KEY)) {
            throw bad(file, "the header has no " + KEY + " column, which identifies an order");
        }
    }

    private static IngestException bad(DropFile file, String why) {
        return new IngestException(ErrorCode.DATA, file.name() + ": " + why
                + ". Nothing was landed; the partner must re-deliver the file (or remove it from the drop).");
    }
}
