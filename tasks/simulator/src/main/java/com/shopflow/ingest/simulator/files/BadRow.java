package com.shopflow.ingest.simulator.files;

/**
 * A record of a file that cannot be landed. {@code line} is the 1-based physical line where the record starts
 * (the header is line 1). Reasons: {@code wrong_field_count}, {@code invalid_utf8}, {@code truncated_last_line}.
 */
public record BadRow(int line, String reason) {
}
