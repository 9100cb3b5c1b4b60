package com.shopflow.ingest.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The landing contract, written once for every task: a module's {@code LandingContractIT} extends it and names its
 * {@link LandingTask}. Every scenario goes through the packaged jar only, against real PostgreSQL and the task's
 * real source, and asserts three things: its planned fault really happened (from the checkpoint, the ledger or the
 * proxy, never from timing), the partition then equals the truth and an uninterrupted run's landing (metadata
 * included), and every attempt has exactly one {@code _ingest.load_run} row with the status it earned.
 *
 * <p>The scenarios share one warehouse and run in order: the first run publishes the reference partition, every
 * later one must leave it identical. A module adds its own scenarios (orders 50-89) with the protected helpers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class LandingContract {
    private static final Duration RUN = Duration.ofMinutes(3);

    private LandingTask task;
    private Connection wh;
    private String reference;
    private long started;
    private int scenarios;
    private int planned;
    private int observed;
    private final List<String> mismatches = new ArrayList<>();
    /** Every attempt's ledger row (run_id) and the final status it must have: succeeded, failed or ABANDONED. */
    private final Map<String, String> expected = new LinkedHashMap<>();

    /** The task under test; called once. */
    protected abstract LandingTask task() throws Exception;

    /** One ledger row: an attempt. */
    public record LoadRun(String runId, int attempt, String status, String errorCode, Instant startedAt, Instant endedAt,
                          long rowsRead, long rowsResumed, long rowsReread) {
    }

    /** The staging checkpoint of the interval: the pending run's progress. */
    public record Checkpoint(long chunks, long rowsStaged) {
    }

    @BeforeAll
    void prepare() throws Exception {
        started = System.nanoTime();
        task = task();
        task.prepareSource();
        wh = PostgresServer.shared().connect(task.warehouseDatabase());
    }

    @AfterAll
    void report() throws Exception {
        try {
            long ledger = wh == null ? -1 : ledger().size();
            System.out.printf("landing contract %s: scenarios=%d faults_planned=%d faults_observed=%d attempts=%d ledger_rows=%d"
                            + " mismatches=%d seconds=%.1f%n", task.name(), scenarios, planned, observed, expected.size(), ledger,
                    mismatches.size(), (System.nanoTime() - started) / 1e9);
            mismatches.forEach(m -> System.out.println("  mismatch: " + m));
        } finally {
            if (wh != null) {
                wh.close();
            }
            task.close();
        }
    }

    @Test
    @Order(1)
    void anUninterruptedRunLandsTheTruth() throws Exception {
        scenarios++;
        AppProcess.Result r = task.app().run(RUN, task.args());
        LoadRun row = claim("uninterrupted run", 1).get(0);
        assertEquals(0, r.exitCode(), r.toString());
        succeeded(row, r);
        assertEquals(0, row.rowsResumed(), "a first run resumes nothing");
        reference = task.partition();
        assertEquals(task.truth(), task.landed(), "the first run lands the source's truth");
    }

    /** Kill points: several chunks from the very first to one before the last. */
    protected IntStream killPoints() {
        int n = task.chunks();
        return new TreeSet<>(List.of(0, 1, 3, n / 2, n - 2)).stream().mapToInt(Integer::intValue).filter(k -> k < n - 1);
    }

    @ParameterizedTest(name = "SIGKILL after chunk {0}")
    @MethodSource("killPoints")
    @Order(2)
    void aRunKilledAfterChunkKIsTakenOverByTheNext(int k) throws Exception {
        scenarios++;
        planned++;
        AppProcess app = task.app();
        AppProcess.Running run = app.start(task.args());
        boolean killed = Checkpoints.killAt(wh, run, k);
        Checkpoint cp = checkpoint();
        LoadRun dead = claim("killed after chunk " + k, 1).get(0);
        assertTrue(killed, "the run ended before chunk " + k + " committed: the kill did not happen");
        assertNotNull(cp, "no checkpoint after the kill: the run had published, the kill came too late");
        assertTrue(cp.chunks() >= k, "killed after chunk " + k + "'s checkpoint committed: " + cp);
        assertEquals("running", dead.status(), "the killed attempt could not report: " + dead);
        assertNotEquals(dead.runId(), publishedRunId(), "the killed attempt did not publish");
        observed++;
        same("the published partition after a run killed after chunk " + k);

        AppProcess.Result r = app.run(RUN, task.args());
        LoadRun retry = claim("retry after a kill after chunk " + k, 1).get(0);
        assertEquals(0, r.exitCode(), r.toString());
        succeeded(retry, r);
        assertEquals(cp.rowsStaged(), retry.rowsResumed(), "the retry took over exactly the checkpoint's rows");
        assertTrue(retry.rowsReread() >= 0 && retry.rowsReread() <= retry.rowsRead(), "rows read again are rows read: " + retry);
        LoadRun abandoned = row(dead.runId());
        assertEquals("failed", abandoned.status(), abandoned.toString());
        assertEquals("ABANDONED", abandoned.errorCode(), "the retry marked the killed attempt: " + abandoned);
        assertNotNull(abandoned.endedAt(), abandoned.toString());
        expected.put(dead.runId(), "ABANDONED");
        note("kill after chunk %d: killed at checkpoint %s; retry resumed %d rows, read %d, re-read %d", k, cp,
                retry.rowsResumed(), retry.rowsRead(), retry.rowsReread());
        assertLandsTheTruth("retry after a kill after chunk " + k);
    }

    @Test
    @Order(3)
    void aSourceConnectionCutMidRunIsSurvived() throws Exception {
        Assumptions.assumeTrue(task.sourcePort().isPresent(), task.name() + " reads files: its source has no connection to cut");
        try (TcpProxy source = new TcpProxy(task.sourcePort().getAsInt())) {
            cutMidRun("source", source, task.app(PostgresServer.shared().port(), source.port()));
        }
    }

    @Test
    @Order(4)
    void aWarehouseConnectionCutMidRunIsSurvived() throws Exception {
        try (TcpProxy warehouse = new TcpProxy(PostgresServer.shared().port())) {
            cutMidRun("warehouse", warehouse, task.app(warehouse.port(), task.sourcePort().orElse(0)));
        }
    }

    /**
     * Cuts every connection through {@code proxy} once a third of the chunks are committed, until a cut hits a live
     * one (an idle pool may have none open at an instant); the run recovers, or exits 1 and the next attempt lands.
     */
    private void cutMidRun(String side, TcpProxy proxy, AppProcess app) throws Exception {
        scenarios++;
        planned++;
        String scenario = side + " connections cut mid-run";
        AppProcess.Running run = app.start(task.args());
        Checkpoints.await(wh, run, Math.max(1, task.chunks() / 3));
        Checkpoint at = checkpoint();
        long live = 0;
        while (live == 0 && run.isAlive()) {
            live = proxy.cutAll();
            Thread.sleep(1);
        }
        assertNotNull(at, "the run had published before the cut");
        assertTrue(live > 0, "the proxy cut no live " + side + " connection (the run ended first)");
        observed++;
        AppProcess.Result r = run.await(RUN);
        LoadRun first = claim(scenario, 1).get(0);
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, "a cut connection is transient: " + r);
        if (r.exitCode() == 0) {
            succeeded(first, r);
        } else {
            assertEquals("failed", first.status(), "the cut attempt recorded its failure: " + first);
            expected.put(first.runId(), "failed");
            r = app.run(RUN, task.args());
            LoadRun retry = claim(scenario + ", retry", 1).get(0);
            assertEquals(0, r.exitCode(), r.toString());
            succeeded(retry, r);
        }
        assertTrue(proxy.liveCuts() >= live, "the proxy counted its cuts");
        note("%s: cut %d live connection(s) at checkpoint %s; first attempt exit %d", scenario, live, at,
                first.status().equals("succeeded") ? 0 : 1);
        assertLandsTheTruth(scenario);
    }

    /**
     * A second attempt started while the first holds the partition (a zombie pod and its retry): it waits for the
     * lock and re-lands after the first published. Overlap is proven from the ledger: the second was launched while
     * the first's row was running, and its own row began only after the first ended.
     */
    @Test
    @Order(5)
    void twoAttemptsAtOnceAreSerialisedByTheLock() throws Exception {
        scenarios++;
        planned++;
        AppProcess app = task.app();
        AppProcess.Running a = app.start(task.args());
        Checkpoints.await(wh, a, 1);
        AppProcess.Running b = app.start(task.args());
        Instant bLaunched = Instant.now();
        List<LoadRun> open = running();
        AppProcess.Result ra = a.await(RUN);
        AppProcess.Result rb = b.await(RUN);
        List<LoadRun> rows = claim("two attempts at once", 2);
        assertEquals(1, open.size(), "the first attempt was running (and the second not yet) when the second was launched: " + open);
        LoadRun first = rows.get(0);
        LoadRun second = rows.get(1);
        assertEquals(open.get(0).runId(), first.runId(), "the running attempt is the first");
        assertEquals(0, ra.exitCode(), ra.toString());
        assertEquals(0, rb.exitCode(), rb.toString());
        succeeded(first, ra);
        succeeded(second, rb);
        assertTrue(bLaunched.isBefore(first.endedAt()), "the attempts overlapped: second launched " + bLaunched + ", first ended "
                + first.endedAt());
        assertTrue(!second.startedAt().isBefore(first.endedAt()), "the second waited for the lock: " + first + " / " + second);
        observed++;
        note("two attempts at once: second launched %s, first ended %s, second began %s", bLaunched, first.endedAt(),
                second.startedAt());
        assertLandsTheTruth("two attempts at once");
    }

    @Test
    @Order(6)
    void aRerunAfterSuccessLandsAnIdenticalPartition() throws Exception {
        scenarios++;
        AppProcess.Result r = task.app().run(RUN, task.args());
        LoadRun row = claim("re-run after success", 1).get(0);
        assertEquals(0, r.exitCode(), r.toString());
        succeeded(row, r);
        assertEquals(0, row.rowsResumed(), "a run after a publish starts afresh: " + row);
        assertLandsTheTruth("re-run after success");
    }

    @Test
    @Order(100)
    void theLedgerAccountsForEveryAttempt() throws Exception {
        scenarios++;
        List<LoadRun> ledger = ledger();
        Map<String, String> actual = new LinkedHashMap<>();
        for (LoadRun r : ledger) {
            actual.put(r.runId(), "failed".equals(r.status()) && "ABANDONED".equals(r.errorCode()) ? "ABANDONED" : r.status());
            assertNotNull(r.endedAt(), "every attempt ended: " + r);
            assertTrue(!r.endedAt().isBefore(r.startedAt()), r.toString());
        }
        assertEquals(expected, actual, "one ledger row per attempt, with the status each earned");
        for (int i = 0; i < ledger.size(); i++) {
            assertEquals(i + 1, ledger.get(i).attempt(), "attempt numbers count the partition's rows: " + ledger.get(i));
        }
        assertEquals(List.of(), mismatches);
    }

    // ---- helpers for the modules' own scenarios

    /** One line of what a scenario observed, for the log. */
    protected void note(String format, Object... args) {
        System.out.println("landing contract " + task.name() + ": " + String.format(format, args));
    }

    protected LandingTask landingTask() {
        return task;
    }

    protected Connection warehouse() {
        return wh;
    }

    /** Counts a scenario and its planned fault; call {@link #faultObserved()} once it is shown to have happened. */
    protected void scenario(boolean withFault) {
        scenarios++;
        if (withFault) {
            planned++;
        }
    }

    protected void faultObserved() {
        observed++;
    }

    /** The ledger rows opened since the last claim, oldest first: exactly {@code n}, one per attempt made. */
    protected List<LoadRun> claim(String scenario, int n) throws SQLException {
        List<LoadRun> fresh = ledger().stream().filter(r -> !expected.containsKey(r.runId())).toList();
        assertEquals(n, fresh.size(), scenario + ": one ledger row per attempt, got " + fresh);
        for (LoadRun r : fresh) {
            expected.put(r.runId(), r.status());
        }
        return fresh;
    }

    /** The final status an attempt's row must have: succeeded, failed or ABANDONED (killed, then taken over). */
    protected void expect(String runId, String status) {
        expected.put(runId, status);
    }

    /** The attempt succeeded: its row says so and its summary names it. */
    protected void succeeded(LoadRun row, AppProcess.Result r) {
        assertEquals("succeeded", row.status(), row.toString());
        assertEquals(row.runId(), Json.field(r.lastStdoutLine(), "run_id"), "the summary names the attempt's ledger row");
        expected.put(row.runId(), "succeeded");
    }

    /** After a scenario: the partition equals the truth and the reference landing (metadata included). */
    protected void assertLandsTheTruth(String scenario) throws Exception {
        String truth = task.truth();
        String landed = task.landed();
        if (!truth.equals(landed)) {
            mismatches.add(scenario + ": landed " + landed + " != truth " + truth);
        }
        same(scenario);
        assertEquals(truth, landed, scenario + ": the partition holds the source's truth");
    }

    private void same(String scenario) throws Exception {
        String now = task.partition();
        if (reference != null && !reference.equals(now)) {
            mismatches.add(scenario + ": " + now + " != " + reference);
        }
        assertEquals(reference, now, scenario + ": identical to an uninterrupted run's landing, metadata included");
    }

    /** The checkpoint of the interval now; null when none (nothing pending: published or not begun). */
    protected Checkpoint checkpoint() throws SQLException {
        try (PreparedStatement ps = wh.prepareStatement(
                "SELECT chunks, rows_staged FROM _ingest.checkpoint WHERE target = ? AND interval_start = ? AND interval_end = ?")) {
            bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Checkpoint(rs.getLong(1), rs.getLong(2)) : null;
            }
        }
    }

    protected String publishedRunId() throws SQLException {
        try (PreparedStatement ps = wh.prepareStatement(
                "SELECT run_id::text FROM _ingest.partition WHERE target = ? AND interval_start = ? AND interval_end = ?")) {
            bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    protected List<LoadRun> ledger() throws SQLException {
        try (PreparedStatement ps = wh.prepareStatement("""
                SELECT run_id::text, attempt, status, error_code, started_at, ended_at, rows_read, rows_resumed, rows_reread
                FROM _ingest.load_run WHERE target = ? AND interval_start = ? AND interval_end = ? ORDER BY attempt""")) {
            bind(ps);
            List<LoadRun> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp end = rs.getTimestamp(6);
                    out.add(new LoadRun(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getTimestamp(5).toInstant(),
                            end == null ? null : end.toInstant(), rs.getLong(7), rs.getLong(8), rs.getLong(9)));
                }
            }
            return out;
        }
    }

    protected List<LoadRun> running() throws SQLException {
        return ledger().stream().filter(r -> "running".equals(r.status())).toList();
    }

    protected LoadRun row(String runId) throws SQLException {
        return ledger().stream().filter(r -> r.runId().equals(runId)).findFirst().orElseThrow();
    }

    private void bind(PreparedStatement ps) throws SQLException {
        ps.setString(1, task.target());
        ps.setTimestamp(2, Timestamp.from(task.intervalStart()));
        ps.setTimestamp(3, Timestamp.from(task.intervalEnd()));
    }
}
