package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.landing.Checkpoint;
import com.shopflow.ingest.core.landing.Landing;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Follows the cursor from the interval's start (or from the checkpoint of a killed run) to the end, staging
 * every few pages together with the position reached, so that a retry continues where the durable
 * checkpoint is. A saved cursor older than its trusted lifetime, or one the API refuses, starts the
 * interval over cleanly: staged rows are emptied first.
 */
final class ProductsExtraction {
    private static final Logger LOG = Logger.getLogger(ProductsExtraction.class);

    /** How the pagination ended: the position of the last chunk and the greatest updated_at staged this run. */
    record Outcome(int pages, int resumedPages, Instant watermark) {
    }

    private final Landing landing;
    private final ProductsSource source;
    private final String target;
    private final Interval interval;
    private final int pagesPerChunk;
    private final Duration cursorMaxAge;
    private final int maxRestarts;
    private final RetryPolicy warehouseRetry;
    private final FetchStats stats;

    ProductsExtraction(Landing landing, ProductsSource source, String target, Interval interval,
                       int pagesPerChunk, Duration cursorMaxAge, int maxRestarts, RetryPolicy warehouseRetry, FetchStats stats) {
        this.landing = landing;
        this.source = source;
        this.target = target;
        this.interval = interval;
        this.pagesPerChunk = Math.max(1, pagesPerChunk);
        this.cursorMaxAge = cursorMaxAge;
        this.maxRestarts = maxRestarts;
        this.warehouseRetry = warehouseRetry;
        this.stats = stats;
    }

    Outcome run() throws Exception {
        Checkpoint cp = landing.checkpoint();
        Position pos = cp.atStart() ? null : Position.parse(cp.position());
        int resumedPages = 0;
        if (!cp.atStart() && (pos == null || pos.expired(Instant.now(), cursorMaxAge))) {
            LOG.infof("the saved cursor of %s %s is %s; starting the interval over", target, interval,
                    pos == null ? "unreadable" : "older than " + cursorMaxAge.toSeconds() + " s");
            restart(cp);
            pos = null;
        } else if (pos != null) {
            resumedPages = pos.pages();
            LOG.infof("resuming %s %s after page %d (%d rows staged)", target, interval, pos.pages(), cp.rows());
        }
        Instant watermark = null;
        if (pos != null && pos.done()) {
            return new Outcome(pos.pages(), resumedPages, null);
        }
        String cursor = pos == null ? null : pos.cursor();
        int pages = pos == null ? 0 : pos.pages();
        List<Page> buffer = new ArrayList<>();
        while (true) {
            ProductsSource.Fetched f = source.fetch(cursor, pages + 1);
            if (f.cursorRefused()) {
                if (stats.cursorRestarts >= maxRestarts) {
                    throw new IngestException(ErrorCode.SOURCE_UNAVAILABLE, "the products API refused the cursor "
                            + (stats.cursorRestarts + 1) + " times for " + interval + "; giving up for now (a retry starts over)");
                }
                buffer.clear();
                restart(landing.checkpoint());
                cursor = null;
                pages = 0;
                resumedPages = 0;
                continue;
            }
            Page page = f.page();
            pages++;
            buffer.add(page);
            for (Item it : page.items()) {
                watermark = watermark == null || it.updatedAt().isAfter(watermark) ? it.updatedAt() : watermark;
            }
            landing.progress().add(page.items().size());
            cursor = page.nextCursor();
            if (page.last() || buffer.size() >= pagesPerChunk) {
                stage(buffer, new Position(cursor, page.receivedAt(), pages, page.last()));
                buffer.clear();
            }
            if (page.last()) {
                return new Outcome(pages, resumedPages, watermark);
            }
        }
    }

    private void restart(Checkpoint seen) {
        stats.cursorRestarts++;
        if (landing.checkpoint().chunks() != seen.chunks()) {
            throw new IngestException(ErrorCode.LOCKED, "the checkpoint of " + target + " " + interval
                    + " moved while this run restarted it; another run is at work, this one stops");
        }
        Checkpoint now = landing.restart();
        if (!now.atStart()) {
            throw new IngestException(ErrorCode.INTERNAL, "the checkpoint of " + target + " " + interval + " did not reset");
        }
    }

    /** Stages buffered pages with their position; after a warehouse failure, re-stages only if the chunk did not commit. */
    private void stage(List<Page> pages, Position position) throws Exception {
        int chunksBefore = landing.checkpoint().chunks();
        List<Page> chunk = List.copyOf(pages);
        warehouseRetry.run("staging pages up to " + position.pages(), attempt -> {
            if (attempt > 1 && landing.recover().chunks() > chunksBefore) {
                return null; // The COMMIT went through before the connection broke.
            }
            try {
                landing.stage("FORMAT text", CopyRows.COLUMNS,
                        out -> new Landing.ChunkResult(position.json(), CopyRows.write(out, chunk, interval), false));
            } catch (SQLException e) {
                String state = e.getSQLState();
                if (state != null && state.startsWith("22")) {
                    throw new IngestException(ErrorCode.DATA, "pages " + chunk.get(0).number() + "-" + position.pages()
                            + " of the products API hold a value the warehouse refuses (SQLState " + state + "): "
                            + Failures.oneLine(e) + ". Nothing was published.", e);
                }
                throw Failures.fromDatabase("warehouse", ErrorCode.WAREHOUSE_UNAVAILABLE, e);
            }
            return null;
        });
        LOG.debugf("staged pages up to %d of %s %s", position.pages(), target, interval);
    }
}
