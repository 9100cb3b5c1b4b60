package com.shopflow.ingest.files;

import java.nio.file.Path;
import java.util.List;

/**
 * One data file of the drop, as planned before landing.
 *
 * @param name   path relative to the feed directory, e.g. {@code 2026-11-23/marketplace_orders_20261123_01.csv};
 *               its text order is the delivery order (date folder, then the zero-padded sequence)
 * @param path   the real path, checked to be inside the drop directory
 * @param size   bytes on disk
 * @param sha256 hex digest of the bytes on disk
 * @param header column names as written, empty for an empty file
 */
record DropFile(String name, Path path, long size, String sha256, List<String> header) {
    DropFile {
        header = List.copyOf(header);
    }

    boolean gzip() {
        return name.endsWith(".gz");
    }
}
