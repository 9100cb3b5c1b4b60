package com.shopflow.ingest.files;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.landing.Checkpoint;
import com.shopflow.ingest.core.landing.KeyHashes;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.PendingQuarantine;
import com.shopflow.ingest.core.landing.StagingLoop;
import com.shopflow.ingest.core.pg.Identifiers;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.jboss.logging.Logger;

/**
 * Streams the planned files into the staging table in chunks (at most {@code chunkRecords} records, never
 * across files); each chunk commits with its checkpoint, so a killed run resumes at the record after the last
 * committed chunk. Good rows go to the COPY stream, bad rows to the pending quarantine, both counted per file.
 * Core's {@link StagingLoop} runs the chunks on the lanes and retries a transient failure from the durable checkpoint.
 */
final class FileStager implements StagingLoop.Source {
    private static final Logger LOG = Logger.getLogger(FileStager.class);

    private final Landing landing;
    private final List<DropFile> files;
    private final String plan;
    private final FilesConfig config;
    private final int chunkRecords;
    private final int laneCount;
    private final PendingQuarantine quarantine;
    private final RetryPolicy retry;
    private final CopyRows copy;
    private final Utf8 utf8 = new Utf8();
    private final KeyHashes keyHashes = KeyHashes.standard();
    /** True while every staged row was written by this process (so its key hashes cover them all). */
    private boolean sawEveryRow = true;
    /** Rows this process wrote to COPY streams (some may belong to chunks that failed). */
    private long rowsWritten;
    private StagePosition pos;
    private FileCursor cursor;

    FileStager(Landing landing, DropPlan dropPlan, String plan, FilesConfig config, int chunkRecords, int laneCount,
               PendingQuarantine quarantine, RetryPolicy retry) {
        this.laneCount = laneCount;
        this.landing = landing;
        this.files = dropPlan.files();
        this.plan = plan;
        this.config = config;
        this.chunkRecords = Math.max(1, chunkRecords);
        this.quarantine = quarantine;
        this.retry = retry;
        this.copy = new CopyRows(keyHashes);
    }

    /**
     * The keys that may repeat in what this run staged (usually none), or null when unknown: rows staged by an
     * earlier attempt never passed through this process. When key hashes repeat, the files are read once more
     * for the keys behind them (bad rows' keys included: naming more keys only widens the exact search).
     */
    Set<String> duplicateSuspects() throws IOException {
        try (keyHashes) {
            if (!sawEveryRow) {
                return null;
            }
            Set<Long> repeated = keyHashes.repeated();
            if (repeated == null || repeated.isEmpty()) {
                return repeated == null ? null : Set.of();
            }
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < files.size(); i++) {
                try (FileCursor c = FileCursor.open(i, files.get(i), 1, config.maxDecompressedBytes(), config.maxRecordBytes())) {
                    CsvReader r = c.reader;
                    while (c.next()) {
                        if (r.fieldCount() > c.keyField) {
                            int len = r.unquote(c.keyField);
                            if (repeated.contains(KeyHashes.hash(r.value(), 0, len))) {
                                keys.add(r.text(c.keyField));
                            }
                        }
                    }
                }
            }
            return keys;
        }
    }

    /** Stages every file not staged yet (through core's {@link StagingLoop}); returns the final position (per-file counts included). */
    StagePosition run() throws Exception {
        Checkpoint done = StagingLoop.run(landing, this, laneCount, retry);
        StagePosition last = done.atStart() ? StagePosition.start(plan) : StagePosition.parse(done.position());
        for (int i = 0; i < files.size(); i++) {
            checkShare(last, i);
        }
        return last;
    }

    /** File reading fails as the drop's; the quarantine's and the checkpoint's database work is classified where it happens. */
    @Override
    public Failures.Side side() {
        return Failures.Side.FILE;
    }

    @Override
    public void resume(Checkpoint cp) throws Exception {
        closeQuietly(cursor);
        cursor = null;
        StagePosition at = StagePosition.parse(cp.position());
        if (cp.atStart()) {
            warehouse(() -> quarantine.discardAfter(0));
            pos = StagePosition.start(plan);
            return;
        }
        if (at == null || !at.plan().equals(plan)) {
            throw new StagingLoop.Restart("the files of this interval changed since the staged rows were read");
        }
        if (cp.rows() > rowsWritten) {
            sawEveryRow = false;
        }
        warehouse(() -> quarantine.discardAfter(cp.chunks()));
        LOG.infof("resuming at %s line %d (%d rows staged)", at.file() < files.size() ? files.get(at.file()).name() : "the end",
                at.line(), cp.rows());
        pos = at;
    }

    /** The next chunk's COPY: the columns of its file's header. A new file waits for the lanes: its name is a column default. */
    @Override
    public StagingLoop.Copy next(Checkpoint from, StagingLoop.Settled settled) throws Exception {
        if (pos.file() >= files.size()) {
            return null;
        }
        if (cursor == null) {
            settled.await(); // the file's name is _source_file's default; changing it needs every lane idle
            landing.columnDefault(Header.SOURCE_FILE, files.get(pos.file()).name());
            cursor = FileCursor.open(pos.file(), files.get(pos.file()), pos.records(), config.maxDecompressedBytes(), config.maxRecordBytes());
        }
        List<String> header = cursor.file.header();
        List<String> stream = new ArrayList<>(header);
        stream.add(Header.SOURCE_LINE);
        StringJoiner notNull = new StringJoiner(", ", ", FORCE_NOT_NULL (", ")").setEmptyValue(""); // none for an empty file
        header.forEach(h -> notNull.add(Identifiers.quote(h)));
        return new StagingLoop.Copy("FORMAT csv" + notNull, stream);
    }

    /** Writes one chunk of the current file; its bad rows are durable before the chunk can commit. */
    @Override
    public StagingLoop.Written write(Checkpoint from, OutputStream out) throws Exception {
        StagePosition before = pos;
        int chunkNo = from.chunks() + 1;
        long[] counted = write(cursor, before.count(cursor.index), chunkNo, out);
        StagePosition.FileCount count = new StagePosition.FileCount(counted[0], counted[1]);
        long rows = counted[0] - before.count(cursor.index).good();
        pos = cursor.finished()
                ? before.advance(cursor.index + 1, 0, 1, cursor.index, count)
                : before.advance(cursor.index, cursor.reader.records(), cursor.reader.line() + 1, cursor.index, count);
        warehouse(quarantine::commitChunk);
        if (cursor.finished()) {
            cursor.close();
            cursor = null;
            checkShare(pos, pos.file() - 1);
        }
        return new StagingLoop.Written(pos.toJson(), rows, false);
    }

    @Override
    public void reset() {
        quarantine.abandonChunk();
        closeQuietly(cursor);
        cursor = null;
    }

    private interface QuarantineWork {
        void run() throws SQLException;
    }

    /** The pending quarantine lives in the warehouse: its failures are the warehouse's, not the drop's. */
    private static void warehouse(QuarantineWork w) {
        try {
            w.run();
        } catch (SQLException e) {
            throw Failures.classify(Failures.Side.WAREHOUSE, e);
        }
    }

    /** Writes up to one chunk of records; returns the file's good and bad counts so far. */
    private long[] write(FileCursor c, StagePosition.FileCount before, int chunkNo, OutputStream out) throws IOException, SQLException {
        long good = before.good();
        long bad = before.bad();
        copy.begin(out);
        CsvReader r = c.reader;
        int n = 0;
        while (n < chunkRecords && c.next()) {
            n++;
            String problem = problem(c, config, utf8);
            if (problem == null) {
                copy.write(r, c.keyField);
                good++;
            } else {
                warehouse(() -> quarantine.add(chunkNo, c.file.name(), r.line(), problem, r.raw(), r.rawLength()));
                bad++;
            }
        }
        copy.finish();
        rowsWritten += good - before.good();
        landing.progress().add(n);
        return new long[] {good, bad};
    }

    /** Why the current record cannot land, or null (also {@code verify}'s rule: it must quarantine what the landing did). */
    static String problem(FileCursor c, FilesConfig config, Utf8 utf8) {
        CsvReader r = c.reader;
        String e = r.error();
        if (e != null) {
            return e;
        }
        if (config.requireFinalNewline() && !r.terminated()) {
            return "truncated last line: no line break at the end of the file";
        }
        if (r.fieldCount() != c.fieldCount) {
            return "expected " + c.fieldCount + " fields as in the header, found " + r.fieldCount()
                    + (r.terminated() ? "" : " (truncated last line?)");
        }
        if (r.hasNul()) {
            return "contains a NUL byte, which PostgreSQL text cannot store";
        }
        if (r.hasNonAscii()) {
            int at = utf8.firstInvalid(r.raw(), r.rawLength());
            if (at >= 0) {
                return "invalid UTF-8 at byte " + (at + 1) + " of the record";
            }
        }
        if (r.isEmpty(c.keyField)) {
            return "order_ref is empty";
        }
        return null;
    }

    private void checkShare(StagePosition pos, int index) {
        StagePosition.FileCount n = pos.count(index);
        if (n.badShare() > config.maxBadShare()) {
            throw new IngestException(ErrorCode.DATA, files.get(index).name() + " has " + n.bad() + " bad rows of "
                    + (n.good() + n.bad()) + String.format(" (%.1f%%, more than the %.1f%% allowed)", 100 * n.badShare(),
                    100 * config.maxBadShare()) + "; nothing was published. See _ingest.file_quarantine_pending for the rows; "
                    + "the partner must re-deliver the file (or raise INGEST_FILES_MAX_BAD_SHARE).");
        }
    }

    private static void closeQuietly(FileCursor c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Only read.
            }
        }
    }
}
