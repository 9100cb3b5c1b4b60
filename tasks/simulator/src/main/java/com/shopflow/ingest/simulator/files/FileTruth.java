package com.shopflow.ingest.simulator.files;

import java.util.List;

/**
 * One delivered file as written: its name, whether gzipped, its header (empty for a zero-byte file), how many
 * well-formed data records it holds (repeats included) and its bad records.
 */
public record FileTruth(String name, int sequence, boolean gzip, List<String> header, int dataRows, List<BadRow> badRows) {
}
