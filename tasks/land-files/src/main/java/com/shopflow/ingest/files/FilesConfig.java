package com.shopflow.ingest.files;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Optional;

/**
 * Settings of land-files; each key is settable by environment ({@code ingest.files.max-bad-share} is
 * {@code INGEST_FILES_MAX_BAD_SHARE}). The drop directory comes from the contract's {@code FILE_DROP_DIR}.
 */
@ConfigMapping(prefix = "ingest.files")
public interface FilesConfig {

    /** Root of the partner's drop ({@code FILE_DROP_DIR}); every file read must resolve inside it. */
    Optional<String> dropDir();

    /**
     * Glob patterns of names in a day folder that are not data ({@code INGEST_FILES_IGNORE}, comma-separated), matched
     * against the file name and against {@code <YYYY-MM-DD>/<name>}. A name that starts with the feed's name but does
     * not match its file pattern fails the run unless listed here. The default keeps upload leftovers out.
     */
    @WithDefault("*.tmp,*.part")
    List<String> ignore();

    /**
     * Most data columns {@code raw.<feed>} may have, counting the columns new headers would add: a header past it fails
     * the run as a data error naming the file, before any DDL. PostgreSQL's own limit is 1,600 columns per table.
     */
    @WithDefault("200")
    int maxColumns();

    /** Share of bad rows in one file (0..1) beyond which the run fails as a data error naming the file. */
    @WithDefault("0.05")
    double maxBadShare();

    /** Cap on the decompressed size of one .csv.gz file: a decompression bomb stops here with a data error. */
    @WithDefault("2147483648")
    long maxDecompressedBytes();

    /** Longest record kept in memory; a longer one (e.g. an unterminated quote) is quarantined. */
    @WithDefault("8388608")
    int maxRecordBytes();

    /** Land a day whose folder does not exist as an empty day instead of waiting for it (not ready). */
    @WithDefault("false")
    boolean allowMissingDays();

    /** Re-land a partition even when every file equals the file ledger (by default such a run changes nothing). */
    @WithDefault("false")
    boolean relandUnchanged();

    /**
     * Quarantine a last record that has no line break after it. RFC 4180 makes the final line break optional,
     * so by default such a record lands when its field count is right.
     */
    @WithDefault("false")
    boolean requireFinalNewline();
}
