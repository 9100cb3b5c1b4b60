package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.landing.Checkpoint;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.PendingQuarantine;
import com.shopflow.ingest.core.landing.RawText;
import com.shopflow.ingest.core.landing.StagingLoop;
import java.io.OutputStream;
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
 * checkpoint is (core's {@link StagingLoop} runs the chunks, this is its source). A saved cursor older than its
 * trusted lifetime, or one the API refuses, starts the interval over cleanly: staged rows are emptied first. A pagination that loops (a cursor it sent before) or
 * stalls ({@code maxPagesWithoutProgress} pages in a row adding no item beyond the greatest (updated_at, id)
 * seen) fails as a DATA error naming the page. Quarantined items are kept per chunk in core's {@link PendingQuarantine}.
 */
final class ProductsExtraction implements StagingLoop.Source {
    private static final Logger LOG = Logger.getLogger(ProductsExtraction.class);

    /** How the pagination ended: the position of the last chunk and the greatest updated_at staged this run. */
    record Outcome(int pages, int resumedPages, Instant watermark, long quarantined) {
    }

    /** Limits of one pagination: loops, stalls and the share of items that may be quarantined. */
    record Limits(int pagesPerChunk, Duration cursorMaxAge, int maxRestarts, int maxPagesWithoutProgress, double maxBadShare) {
    }

    private final Landing landing;
    private final ProductsSource source;
    private final PendingQuarantine quarantine;
    private final String target;
    private final Interval interval;
    private final Limits limits;
    private final RetryPolicy warehouseRetry;
    private final FetchStats stats;
    /** Chunks handed to the loop and not known committed: sent again after a recovery, so no page is fetched twice. */
    private final List<Pending> pending = new ArrayList<>();
    private boolean fresh = true;
    private String cursor;
    private int pages;
    private int resumedPages;
    private boolean done;
    private Instant watermark;
    private Progress progress;

    private record Pending(int number, List<Page> pages, Position position) {
    }

    private static final StagingLoop.Copy COPY = new StagingLoop.Copy("FORMAT text", CopyRows.COLUMNS);

    ProductsExtraction(Landing landing, ProductsSource source, PendingQuarantine quarantine, String target, Interval interval, Limits limits,
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

    /** Stages the whole pagination through core's {@link StagingLoop} (one lane: the API is the slow side). */
    Outcome run() throws Exception {
        StagingLoop.run(landing, this, 1, warehouseRetry);
        return outcome(pages, resumedPages, watermark);
    }

    /** Failures that reach the loop unclassified are the quarantine's, in the warehouse; the API's come classified. */
    @Override
    public Failures.Side side() {
        return Failures.Side.WAREHOUSE;
    }

    @Override
    public void resume(Checkpoint cp) throws Exception {
        if (!fresh) {
            return; // a recovery in the run: the chunks not committed are sent again from memory, the pagination goes on
        }
        fresh = false;
        pending.clear();
        Position pos = cp.atStart() ? null : Position.parse(cp.position());
        if (!cp.atStart() && (pos == null || pos.expired(Instant.now(), limits.cursorMaxAge()))) {
            throw restart("the saved cursor of " + target + " " + interval + " is "
                    + (pos == null ? "unreadable" : "older than " + limits.cursorMaxAge().toSeconds() + " s"));
        }
        if (cp.atStart()) {
            quarantine.discardAfter(0); // left by an attempt whose staging is gone
        } else {
            LOG.infof("resuming %s %s after page %d (%d rows staged)", target, interval, pos.pages(), cp.rows());
        }
        cursor = pos == null ? null : pos.cursor();
        pages = pos == null ? 0 : pos.pages();
        resumedPages = pages;
        done = pos != null && pos.done();
        progress = new Progress(cursor, pages);
    }

    /** The chunk after {@code from}: one not committed yet sent again, or the next {@code pagesPerChunk} pages fetched. */
    @Override
    public StagingLoop.Copy next(Checkpoint from, StagingLoop.Settled settled) throws Exception {
        int durable = landing.checkpoint().chunks();
        pending.removeIf(c -> c.number() <= durable);
        if (chunk(from.chunks() + 1) != null) {
            return COPY;
        }
        if (done) {
            return null;
        }
        List<Page> buffer = new ArrayList<>();
        while (true) {
            ProductsSource.Fetched f;
            try {
                f = source.fetch(cursor, pages + 1);
            } catch (IngestException e) {
                throw new StagingLoop.Spent(e); // the source retried it already, as INGEST_API_MAX_ATTEMPTS says
            }
            if (f.cursorRefused()) {
                if (stats.cursorRestarts >= limits.maxRestarts()) {
                    throw new StagingLoop.Spent(new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API refused the cursor "
                            + (stats.cursorRestarts + 1) + " times for " + interval + "; giving up for now (a retry starts over)"));
                }
                throw restart("the products API refused the cursor of page " + (pages + 1) + " of " + target + " " + interval);
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
                done = page.last();
                pending.add(new Pending(from.chunks() + 1, List.copyOf(buffer), new Position(cursor, page.receivedAt(), pages, page.last())));
                return COPY;
            }
        }
    }

    /** Writes the chunk's pages; its quarantined items are committed just before it. */
    @Override
    public StagingLoop.Written write(Checkpoint from, OutputStream out) throws Exception {
        Pending c = chunk(from.chunks() + 1);
        quarantine(from.chunks(), c.pages());
        long rows = CopyRows.write(out, c.pages(), interval);
        LOG.debugf("staging pages up to %d of %s %s", c.position().pages(), target, interval);
        return new StagingLoop.Written(c.position().json(), rows, false);
    }

    @Override
    public void reset() {
        // Pages are in memory and the quarantine's connection checks itself: nothing to drop.
    }

    /** Replaces the pending items of chunks after {@code before} with {@code pages}' bad items, as chunk {@code before + 1}. */
    private void quarantine(int before, List<Page> pages) throws SQLException {
        quarantine.discardAfter(before);
        for (Page p : pages) {
            String source = "products API page " + p.number() + (p.cursor() == null ? " (first page)" : " (cursor " + printable(p.cursor()) + ")");
            for (BadItem b : p.bad()) {
                quarantine.add(before + 1, source, b.index(), (b.id() == null ? "id unreadable" : "id " + b.id()) + ": " + b.reason(),
                        b.raw(), b.raw().length);
            }
        }
        quarantine.commitChunk();
    }

    /** A cursor as the API sent it, escaped like raw text and cut at 200 characters. */
    private static String printable(String cursor) {
        byte[] b = (cursor.length() > 200 ? cursor.substring(0, 200) + "..." : cursor).getBytes(StandardCharsets.UTF_8);
        return RawText.escape(b, b.length);
    }

    private Pending chunk(int number) {
        return pending.stream().filter(c -> c.number() == number).findFirst().orElse(null);
    }

    /** The interval starts over (the loop empties what is staged): so does the pagination. */
    private StagingLoop.Restart restart(String why) {
        stats.cursorRestarts++;
        fresh = true;
        pending.clear();
        return new StagingLoop.Restart(why);
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
                    + " See %s for the items and reasons", bad, all, interval, 100.0 * bad / all, 100 * limits.maxBadShare(), quarantine.table().name()));
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
}
