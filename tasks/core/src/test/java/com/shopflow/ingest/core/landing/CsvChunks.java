package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Failures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A source of ready chunks (CSV text, one per entry); chunk {@code failAt} fails once after half its bytes, as a
 * broken wire would. Its position is the chunk's index.
 */
public final class CsvChunks implements StagingLoop.Source {
    final List<String> chunks;
    final List<String> columns;
    int failAt;
    int next;
    int resumes;

    public CsvChunks(List<String> chunks, List<String> columns, int failAt) {
        this.chunks = chunks;
        this.columns = columns;
        this.failAt = failAt;
    }

    @Override
    public Failures.Side side() {
        return Failures.Side.SOURCE_DB;
    }

    @Override
    public void resume(Checkpoint from) {
        resumes++;
        next = from.atStart() ? 0 : Integer.parseInt(from.position()) + 1;
    }

    @Override
    public StagingLoop.Copy next(Checkpoint from, StagingLoop.Settled settled) {
        return next < chunks.size() ? new StagingLoop.Copy("FORMAT csv", columns) : null;
    }

    @Override
    public StagingLoop.Written write(Checkpoint from, OutputStream out) throws IOException {
        byte[] b = chunks.get(next).getBytes(StandardCharsets.UTF_8);
        if (next == failAt) {
            failAt = -1;
            out.write(b, 0, b.length / 2);
            throw new java.net.SocketException("connection reset (planned)");
        }
        out.write(b);
        long rows = chunks.get(next).lines().count();
        return new StagingLoop.Written(String.valueOf(next++), rows, false);
    }

    @Override
    public void reset() {
    }
}
