package com.shopflow.ingest.db;

import com.shopflow.ingest.core.Failures;
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
    private final StagingLoop.Copy copy;
    private boolean exhausted;

    TableChunks(SourceSession source, SourceTable described, SourceQuery query, int chunkRows, Landing landing) {
        this.source = source;
        this.described = described;
        this.query = query;
        this.chunkRows = chunkRows;
        this.landing = landing;
        this.copy = new StagingLoop.Copy("FORMAT binary", query.streamColumns());
    }

    @Override
    public Failures.Side side() {
        return Failures.Side.SOURCE_DB;
    }

    @Override
    public void resume(Checkpoint from) {
        exhausted = false;
    }

    /** After a short chunk there is none: the keyset has no row after it. */
    @Override
    public StagingLoop.Copy next(Checkpoint from, StagingLoop.Settled settled) {
        return exhausted ? null : copy;
    }

    @Override
    public StagingLoop.Written write(Checkpoint from, OutputStream out) throws Exception {
        KeysetPosition after = KeysetPosition.fromJson(from.position());
        boolean newSnapshot = source.ensureOpen() && !from.atStart();
        ChunkPump.Result r = ChunkPump.pump(source.copyManager(), query.copySql(after, chunkRows), query.fieldIndex(described.spec().cursor()),
                query.fieldIndex(described.spec().key()), query.keyType(), query.numericKey(), out, rows -> landing.progress().add(rows));
        exhausted = r.rows() < chunkRows;
        KeysetPosition last = r.last() == null ? after : r.last();
        return new StagingLoop.Written(last == null ? null : last.toJson(), r.rows(), newSnapshot);
    }

    /** The source connection may be what broke: the next chunk reconnects, under a new snapshot. */
    @Override
    public void reset() {
        source.discard();
    }
}
