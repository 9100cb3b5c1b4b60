package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.RetryPolicy;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The staging loop every task shares: chunk, commit with its checkpoint, and on a failure the failure table decides;
 * a failure retried in the run backs off, recovers the durable checkpoint and goes on from there.
 */
public final class StagingLoop {
    private static final Logger LOG = Logger.getLogger(StagingLoop.class);

    /** What a task plugs into the loop: where its rows come from, chunk by chunk. */
    public interface Source {
        /**
         * Writes the chunk after {@code from} (the last durable checkpoint) to the COPY stream: its position, its rows,
         * and whether a new source snapshot began.
         */
        Landing.ChunkResult writeNextChunk(Checkpoint from, OutputStream copyIn) throws Exception;

        /** True when the chunk just written (and committed) was the last. */
        boolean exhausted();

        /** After a failed chunk: drops what may be broken (a connection, a stream) before the retry. */
        void reset();
    }

    private StagingLoop() {
    }

    /**
     * Stages every chunk of {@code source}; returns the final checkpoint.
     *
     * @param side whose failures are not classified yet when they reach the loop (the source's come classified)
     */
    public static Checkpoint run(Landing landing, String copyOptions, List<String> columns, Source source, RetryPolicy retry,
                                 Failures.Side side) throws Exception {
        Checkpoint cp = landing.checkpoint();
        int failures = 0;
        boolean done = false;
        while (!done) {
            Checkpoint from = cp;
            try {
                cp = landing.stage(copyOptions, columns, out -> source.writeNextChunk(from, out));
                done = source.exhausted();
                failures = 0;
            } catch (Exception e) {
                failures++;
                if (!Failures.retriedInRun(e) || failures >= retry.maxAttempts()) {
                    throw Failures.classify(side, e);
                }
                Duration d = retry.delayAfter(failures);
                LOG.warnf("chunk %d (after %s) failed (%s); retry %d of %d in %d ms from the last checkpoint", from.chunks() + 1,
                        from.atStart() ? "the start" : from.position(), Failures.oneLine(e), failures, retry.maxAttempts() - 1, d.toMillis());
                source.reset();
                RetryPolicy.sleep(d);
                cp = landing.recover();
            }
        }
        return cp;
    }
}
