package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.RetryPolicy;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The staging loop every task shares: the source writes chunk after chunk into {@link StagingLanes} (one or more
 * warehouse connections, each chunk committed in turn with its checkpoint), and on a failure the failure table
 * decides; a failure retried in the run closes the lanes, backs off, recovers the durable checkpoint and resumes the
 * source from there. A source that finds its staged rows cannot be continued asks for a {@link Restart}.
 */
public final class StagingLoop {
    private static final Logger LOG = Logger.getLogger(StagingLoop.class);

    /** How the next chunk is COPYed: {@code FORMAT binary} or {@code FORMAT csv ...}, and the staging columns in stream order. */
    public record Copy(String options, List<String> columns) {
    }

    /**
     * What a chunk wrote.
     *
     * @param position    the source position after this chunk (task's JSON)
     * @param rows        rows written to the COPY stream
     * @param newSnapshot true when these rows were read under a different source snapshot than the chunk before
     */
    public record Written(String position, long rows, boolean newSnapshot) {
    }

    /** What a task plugs into the loop: where its rows come from, chunk by chunk. */
    public interface Source {
        /** Whose failures the source's own (not yet classified) exceptions are; the lanes' are the warehouse's. */
        Failures.Side side();

        /**
         * Before the first chunk and after every recovery: go on after the durable checkpoint {@code from}. Throws
         * {@link Restart} when what is staged cannot be continued (the loop then empties it and resumes from the start).
         */
        void resume(Checkpoint from) throws Exception;

        /**
         * The COPY of the chunk after {@code from} (the last chunk handed out, maybe not committed yet), or null when
         * the source has no more. {@code settled} waits until every chunk handed out is committed, for work that
         * must not overlap a COPY (DDL on the staging table).
         */
        Copy next(Checkpoint from, Settled settled) throws Exception;

        /** Writes that chunk's rows to {@code out}. */
        Written write(Checkpoint from, OutputStream out) throws Exception;

        /** After a failure: drops what may be broken (a connection, an open file) before the retry. */
        void reset();
    }

    /** Waits until the chunks handed out are committed. */
    public interface Settled {
        void await() throws Exception;
    }

    /** Thrown by a source: the staged rows cannot be continued (e.g. an expired cursor); stage the interval anew. */
    public static final class Restart extends Exception {
        public Restart(String why) {
            super(why);
        }
    }

    /** Thrown by a source around a failure it already retried as the policy allows: the loop ends the run with it. */
    public static final class Spent extends Exception {
        public Spent(IngestException cause) {
            super(cause.getMessage(), cause);
        }

        IngestException failure() {
            return (IngestException) getCause();
        }
    }

    private StagingLoop() {
    }

    /**
     * Stages every chunk of {@code source} on {@code lanes} warehouse connections; returns the final checkpoint.
     */
    public static Checkpoint run(Landing landing, Source source, int lanes, RetryPolicy retry) throws Exception {
        Checkpoint durable = landing.checkpoint();
        int failures = 0;
        int failedAt = -1;
        while (true) {
            StagingLanes open = null;
            try {
                source.resume(durable);
                open = landing.lanes(lanes);
                Checkpoint at = durable;
                StagingLoop.Copy copy;
                while ((copy = source.next(at, open::drain)) != null) {
                    StagingLanes.Chunk out = open.begin(copy.options(), copy.columns());
                    at = open.end(out, source.write(at, out));
                }
                return open.drain();
            } catch (Restart r) {
                LOG.infof("%s; staging starts over", r.getMessage());
                open = closeQuietly(open);
                source.reset();
                durable = landing.restart();
            } catch (Spent s) {
                throw s.failure();
            } catch (Exception thrown) {
                open = closeQuietly(open);
                StagingLanes.Failed lane = Failures.find(thrown, StagingLanes.Failed.class);
                Exception e = lane != null && lane.getCause() instanceof Exception c ? c : thrown;
                Failures.Side side = lane != null ? Failures.Side.WAREHOUSE : source.side();
                int reached = landing.checkpoint().chunks();
                if (reached > failedAt) {
                    failures = 0; // chunks committed since the last failure: a new blip, not the same one again
                }
                failedAt = reached;
                failures++;
                if (!Failures.retriedInRun(e) || failures >= retry.maxAttempts()) {
                    source.reset();
                    throw Failures.classify(side, e);
                }
                Duration d = retry.delayAfter(failures);
                LOG.warnf("chunk %d failed (%s); retry %d of %d in %d ms from the last checkpoint", reached + 1, Failures.oneLine(e),
                        failures, retry.maxAttempts() - 1, d.toMillis());
                source.reset();
                RetryPolicy.sleep(d);
                durable = landing.recover();
            } finally {
                closeQuietly(open);
            }
        }
    }

    private static StagingLanes closeQuietly(StagingLanes lanes) {
        if (lanes != null) {
            lanes.close();
        }
        return null;
    }
}
