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
 * @param sha256 hex digest of the bytes on disk, taken when the run planned
 * @param stamp  size, modification time and file identity (inode) when the digest was taken: how a change made
 *               after planning is noticed without digesting the file a second time
 * @param header column names as written, empty for an empty file
 */
record DropFile(String name, Path path, long size, String sha256, String stamp, List<String> header) {
    DropFile {
        header = List.copyOf(header);
    }

    boolean gzip() {
        return name.endsWith(".gz");
    }
}
