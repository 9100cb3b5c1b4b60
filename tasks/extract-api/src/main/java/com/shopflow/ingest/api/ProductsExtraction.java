package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.landing.Checkpoint;
import com.shopflow.ingest.core.landing.Landing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Follows the cursor from the interval's start (or from the checkpoint of a killed run) to the end, staging
 * every few pages together with the position reached, so that a retry continues where the durable
 * checkpoint is. A saved cursor older than its trusted lifetime, or one the API refuses, starts the
 * interval over cleanly: staged rows are emptied first. A pagination that loops (a cursor it sent before) or
 * stalls ({@code maxPagesWithoutProgress} pages in a row adding no item beyond the greatest (updated_at, id)
 * seen) fails as a DATA error naming the page. Quarantined items are kept per chunk with {@link ApiQuarantine}.
 */
final class ProductsExtraction {
    private static final Logger LOG = Logger.getLogger(ProductsExtraction.class);

    /** How the pagination ended: the position of the last chunk and the greatest updated_at staged this run. */
    record Outcome(int pages, int resumedPages, Instant watermark, long quarantined) {
    }

    /** Limits of one pagination: loops, stalls and the share of items that may be quarantined. */
    record Limits(int pagesPerChunk, Duration cursorMaxAge, int maxRestarts, int maxPagesWithoutProgress, double maxBadShare) {
    }

    private final Landing landing;
    private final ProductsSource source;
    private final ApiQuarantine quarantine;
    private final String target;
    private final Interval interval;
    private final Limits limits;
    private final RetryPolicy warehouseRetry;
    private final FetchStats stats;

    ProductsExtraction(Landing landing, ProductsSource source, ApiQuarantine quarantine, String target, Interval interval, Limits limits,
                       RetryPolicy warehouseRetry, FetchStats stats) {
        this.landing = landing;
        this.source = source;
        this.quarantine = quarantine;
        this.target = target;
        this.interval = interval;
        this.limits = limits;
        this.warehouseRetry = warehouseRetry;
        this.stats = stats;
    }

    Outcome run() throws Exception {
        Checkpoint cp = landing.checkpoint();
        Position pos = cp.atStart() ? null : Position.parse(cp.position());
        int resumedPages = 0;
        if (!cp.atStart() && (pos == null || pos.expired(Instant.now(), limits.cursorMaxAge()))) {
            LOG.infof("the saved cursor of %s %s is %s; starting the interval over", target, interval,
                    pos == null ? "unreadable" : "older than " + limits.cursorMaxAge().toSeconds() + " s");
            restart(cp);
            pos = null;
        } else if (pos != null) {
            resumedPages = pos.pages();
            LOG.infof("resuming %s %s after page %d (%d rows staged)", target, interval, pos.pages(), cp.rows());
        }
        if (cp.atStart()) {
            quarantine.write(0, List.of()); // left by an attempt whose staging is gone
        }
        Instant watermark = null;
        if (pos != null && pos.done()) {
            return outcome(pos.pages(), resumedPages, null);
        }
        String cursor = pos == null ? null : pos.cursor();
        int pages = pos == null ? 0 : pos.pages();
        List<Page> buffer = new ArrayList<>();
        Progress progress = new Progress(cursor, pages);
        while (true) {
            ProductsSource.Fetched f = source.fetch(cursor, pages + 1);
            if (f.cursorRefused()) {
                if (stats.cursorRestarts >= limits.maxRestarts()) {
                    throw new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API refused the cursor "
                            + (stats.cursorRestarts + 1) + " times for " + interval + "; giving up for now (a retry starts over)");
                }
                buffer.clear();
                restart(landing.checkpoint());
                cursor = null;
                pages = 0;
                resumedPages = 0;
                progress = new Progress(null, 0);
                continue;
            }
            Page page = f.page();
            pages++;
            progress.check(page, limits.maxPagesWithoutProgress());
            buffer.add(page);
            for (Item it : page.items()) {
                watermark = watermark == null || it.updatedAt().isAfter(watermark) ? it.updatedAt() : watermark;
            }
            stats.quarantined += page.bad().size();
            landing.progress().add(page.items().size());
            cursor = page.nextCursor();
            if (page.last() || buffer.size() >= limits.pagesPerChunk()) {
                stage(buffer, new Position(cursor, page.receivedAt(), pages, page.last()));
                buffer.clear();
            }
            if (page.last()) {
                return outcome(pages, resumedPages, watermark);
            }
        }
    }

    /** The whole interval's quarantined items (this attempt's and those of chunks taken over), against the share allowed. */
    private Outcome outcome(int pages, int resumedPages, Instant watermark) throws SQLException {
        Checkpoint cp = landing.checkpoint();
        long bad = quarantine.count(cp.chunks());
        long all = cp.rows() + bad;
        if (bad > 0) {
            LOG.warnf("%d of %d items of %s %s quarantined (see _ingest.quarantine once published)", bad, all, target, interval);
        }
        if (bad > 0 && bad > limits.maxBadShare() * all) {
            throw new IngestException(ErrorCode.DATA, String.format(java.util.Locale.ROOT, "%d of %d items of the products API for %s"
                    + " cannot be stored as received (%.1f%%, more than INGEST_API_MAX_BAD_SHARE %.1f%%); nothing was published."
                    + " See %s for the items and reasons", bad, all, interval, 100.0 * bad / all, 100 * limits.maxBadShare(), ApiQuarantine.TABLE));
        }
        return new Outcome(pages, resumedPages, watermark, bad);
    }

    /**
     * Loops and stalls of one pagination. Cursors are remembered by digest, so a hostile API's long cursors cost
     * 32 bytes per page.
     */
    private static final class Progress {
        private final Map<String, Integer> seen = new HashMap<>();
        private Item.Key best;
        private int idle;
        private int idleSince;

        Progress(String cursor, int pages) {
            if (cursor != null) {
                seen.put(digest(cursor), pages);
            }
        }

        void check(Page page, int maxIdle) {
            if (page.maxKey() != null && (best == null || page.maxKey().compareTo(best) > 0)) {
                best = page.maxKey();
                idle = 0;
            } else if (idle++ == 0) {
                idleSince = page.number();
            }
            if (page.last()) {
                return;
            }
            Integer before = seen.putIfAbsent(digest(page.nextCursor()), page.number());
            if (before != null) {
                throw new IngestException(ErrorCode.DATA, "the products API answered page " + page.number()
                        + " with a next_cursor it had already sent on page " + before + ": the pagination loops. Nothing was published");
            }
            if (idle >= maxIdle) {
                throw new IngestException(ErrorCode.DATA, "the products API answered pages " + idleSince + "-" + page.number()
                        + " without any item beyond (updated_at, id) " + (best == null ? "(none yet)" : best.toString())
                        + " while still sending a next_cursor: the pagination makes no progress (INGEST_API_MAX_PAGES_WITHOUT_PROGRESS "
                        + maxIdle + "). Nothing was published");
            }
        }

        private static String digest(String cursor) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cursor.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private void restart(Checkpoint seen) throws SQLException {
        stats.cursorRestarts++;
        if (landing.checkpoint().chunks() != seen.chunks()) {
            throw new IngestException(ErrorCode.LOCKED, "the checkpoint of " + target + " " + interval
                    + " moved while this run restarted it; another run is at work, this one stops");
        }
        Checkpoint now = landing.restart();
        if (!now.atStart()) {
            throw new IngestException(ErrorCode.INTERNAL, "the checkpoint of " + target + " " + interval + " did not reset");
        }
        quarantine.write(0, List.of());
    }

    /**
     * Stages buffered pages with their position; after a warehouse failure, re-stages only if the chunk did not commit.
     * The chunk's quarantined items are committed just before the chunk.
     */
    private void stage(List<Page> pages, Position position) throws Exception {
        int chunksBefore = landing.checkpoint().chunks();
        List<Page> chunk = List.copyOf(pages);
        warehouseRetry.run("staging pages up to " + position.pages(), attempt -> {
            if (attempt > 1 && landing.recover().chunks() > chunksBefore) {
                return null; // The COMMIT went through before the connection broke.
            }
            try {
                quarantine.write(chunksBefore, chunk);
                landing.stage("FORMAT text", CopyRows.COLUMNS,
                        out -> new Landing.ChunkResult(position.json(), CopyRows.write(out, chunk, interval), false));
            } catch (SQLException e) {
                IngestException ie = Failures.classify(Failures.Side.WAREHOUSE, e);
                if (ie.code() == ErrorCode.DATA) {
                    throw new IngestException(ErrorCode.DATA, "pages " + chunk.get(0).number() + "-" + position.pages()
                            + " of the products API hold a value the warehouse refuses (SQLState " + e.getSQLState() + "): "
                            + Failures.oneLine(e) + ". Nothing was published.", e);
                }
                throw ie;
            }
            return null;
        });
        LOG.debugf("staged pages up to %d of %s %s", position.pages(), target, interval);
    }
}
