package com.shopflow.ingest.simulator.files;

/** A fault the partner's drop can show; each one is off unless asked for. Where each appears is fixed (see each). */
public enum Fault {
    /** Files with an even sequence number are delivered as {@code .csv.gz}. */
    GZIP,
    /** The first two orders of file NN appear again, corrected, in file NN+1; file 01 repeats its first order last. */
    DUPLICATES,
    /** Files with an even sequence number list the columns in another order. */
    REORDERED_COLUMNS,
    /** File 01 of each day has a row with one field too many and a row with invalid UTF-8 bytes. */
    BAD_ROWS,
    /** The last regular file of each day ends with a cut line: an unterminated quote and no newline. */
    TRUNCATED_LAST_LINE,
    /** Each day has one more file of zero bytes. */
    EMPTY_FILE,
    /** Each day has one more file with only the header line. */
    HEADER_ONLY_FILE,
    /** Each day's folder also holds {@code README.txt} and a partial upload {@code ..._01.csv.tmp}. */
    STRAY_FILES
}
