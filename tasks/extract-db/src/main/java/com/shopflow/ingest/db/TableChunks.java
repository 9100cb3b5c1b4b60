package com.shopflow.ingest.db;

import com.shopflow.ingest.core.landing.Checkpoint;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.StagingLoop;
import java.io.OutputStream;

/** The source table in keyset chunks: each one a binary COPY pumped from the source straight into the staging COPY. */
final class TableChunks implements StagingLoop.Source {
    private final SourceSession source;
    private final SourceTable described;
    private final SourceQuery query;
    private final int chunkRows;
    private final Landing landing;
    private long lastRows;

    TableChunks(SourceSession source, SourceTable described, SourceQuery query, int chunkRows, Landing landing) {
        this.source = source;
        this.described = described;
        this.query = query;
        this.chunkRows = chunkRows;
        this.landing = landing;
    }

    @Override
    public Landing.ChunkResult writeNextChunk(Checkpoint from, OutputStream copyIn) throws Exception {
        KeysetPosition after = KeysetPosition.fromJson(from.position());
        boolean newSnapshot = source.ensureOpen() && !from.atStart();
        ChunkPump.Result r = new ChunkPump().pump(source.copyManager(), query.copySql(after, chunkRows),
                query.fieldIndex(described.spec().cursor()), query.fieldIndex(described.spec().key()), query.keyType(),
                query.numericKey(), copyIn, rows -> landing.progress().add(rows));
        lastRows = r.rows();
        KeysetPosition last = r.last() == null ? after : r.last();
        return new Landing.ChunkResult(last == null ? null : last.toJson(), r.rows(), newSnapshot);
    }

    /** A short chunk is the last: the keyset has no row after it. */
    @Override
    public boolean exhausted() {
        return lastRows < chunkRows;
    }

    /** The source connection may be what broke: the next chunk reconnects, under a new snapshot. */
    @Override
    public void reset() {
        source.discard();
    }
}
