package com.shopflow.ingest.files;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.landing.RawTable;
import com.shopflow.ingest.core.pg.Identifiers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The header row of a data file: its column names exactly as written. A header that cannot name warehouse
 * columns (empty, longer than 63 bytes, NUL, duplicated, or a landing metadata name) stops the run before
 * anything is written; every other name, however odd, is only ever used quoted.
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
            List<String> names = new ArrayList<>(r.fieldCount());
            for (int i = 0; i < r.fieldCount(); i++) {
                names.add(r.text(i));
            }
            validate(file, names);
            return names;
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
            if (RESERVED.contains(name)) {
                throw bad(file, "the header has a column named " + name + ", which is reserved for landing metadata");
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
