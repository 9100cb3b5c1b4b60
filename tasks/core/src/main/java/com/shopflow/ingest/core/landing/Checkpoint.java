package com.shopflow.ingest.core.landing;

/**
 * The durable progress of a partition being staged, committed with the rows it covers.
 *
 * @param position  where the source left off, opaque to the landing (JSON chosen by the task), null at start
 * @param rows      rows staged so far
 * @param chunks    chunks committed so far
 * @param snapshots source snapshots the staged rows were read under (more than one means a row may repeat)
 */
public record Checkpoint(String position, long rows, int chunks, int snapshots) {
    public static final Checkpoint START = new Checkpoint(null, 0, 0, 1);

    public boolean atStart() {
        return chunks == 0;
    }
}
