package com.shopflow.ingest.core.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.testkit.PostgresServer;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The versioned _ingest schema on a real PostgreSQL: fresh, concurrent, upgraded from 0.1.0, refused when foreign. */
class CatalogTest {
    final PostgresServer pg = PostgresServer.shared();

    DbSettings wh(String db) {
        return new DbSettings("warehouse", "WAREHOUSE_DB", pg.jdbcUrl(db), PostgresServer.USER, PostgresServer.PASSWORD, null, null, 10);
    }

    static String fixture() throws Exception {
        try (InputStream in = CatalogTest.class.getResourceAsStream("/catalog-0.1.0.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    void ensure(String db) throws Exception {
        try (Connection c = pg.connect(db)) {
            Catalog.ensure(wh(db), c);
        }
    }

    @Test
    void theListOfMigrationsIsTheResourceFolder() throws Exception {
        URI dir = CatalogTest.class.getClassLoader().getResource(Migrations.LOCATION).toURI();
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            assertEquals(Catalog.MIGRATIONS, files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        String last = Catalog.MIGRATIONS.get(Catalog.MIGRATIONS.size() - 1);
        assertEquals("V" + Catalog.VERSION + "__", last.substring(0, last.indexOf("__") + 2));
    }

    @Test
    void twoFirstRunsAtOnceOnAnEmptyWarehouseBothSucceedAndMigrateOnce() throws Exception {
        String db = "catalog_fresh";
        pg.createDatabase(db);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(pool.submit(() -> {
                go.await();
                ensure(db);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : runs) {
            f.get();
        }
        pool.shutdown();
        assertEquals(Catalog.VERSION, installed(db));
        assertEquals(Catalog.MIGRATIONS.size(), pg.scalar(db, "SELECT count(*) FROM _ingest.flyway_schema_history WHERE success AND type = 'SQL'"));
        assertEquals(0, pg.scalar(db, "SELECT count(*) FROM _ingest.file_quarantine_pending"));
        assertEquals(0, pg.scalar(db, "SELECT count(*) FROM _ingest.api_quarantine_pending"));
    }

    @Test
    void version1IsExactlyTheSchemaOfRelease010() throws Exception {
        String old = "catalog_old_layout";
        String fresh = "catalog_v1_layout";
        pg.createDatabase(old);
        pg.execute(old, fixture());
        pg.createDatabase(fresh);
        pg.execute(fresh, new String(CatalogTest.class.getResourceAsStream("/db/ingest/V1__baseline.sql").readAllBytes(),
                StandardCharsets.UTF_8));
        // The fixture also has land-files' pending table, which V1 does not: compare the tables of both.
        String v1Tables = "AND table_name NOT LIKE '%quarantine_pending'";
        assertEquals(layout(old, v1Tables), layout(fresh, v1Tables));
    }

    @Test
    void aWarehouseOfRelease010IsBaselinedAndUpgradedInPlace() throws Exception {
        String db = "catalog_upgrade";
        pg.createDatabase(db);
        pg.execute(db, fixture());
        pg.execute(db, """
                INSERT INTO _ingest.partition VALUES ('raw.t', '2026-11-23', '2026-11-24', 't__20261123', 5,
                  'c0ffee00-0000-4000-8000-000000000001', 1, null, now());
                INSERT INTO _ingest.load_run (run_id, task, target, interval_start, interval_end, attempt, status, rows_landed)
                  VALUES ('c0ffee00-0000-4000-8000-000000000001', 'test', 'raw.t', '2026-11-23', '2026-11-24', 1, 'succeeded', 5);
                INSERT INTO _ingest.file_quarantine_pending VALUES ('raw.t', '2026-11-24', '2026-11-25', 1, 'f.csv', 3, 'bad', 'x');
                """);
        assertEquals(1, installed(db));
        ensure(db);
        assertEquals(Catalog.VERSION, installed(db));
        assertEquals(1, pg.scalar(db, "SELECT count(*) FROM _ingest.flyway_schema_history WHERE type = 'BASELINE' AND version = '1'"));
        assertEquals(0, pg.scalar(db, "SELECT count(*) FROM _ingest.flyway_schema_history WHERE version = '1' AND type = 'SQL'"));
        assertEquals(5, pg.scalar(db, "SELECT rows FROM _ingest.partition WHERE target = 'raw.t'"));
        assertEquals(1, pg.scalar(db, "SELECT count(*) FROM _ingest.load_run WHERE status = 'succeeded'"));
        assertEquals(1, pg.scalar(db, "SELECT count(*) FROM _ingest.file_quarantine_pending"));
        assertEquals(0, pg.scalar(db, "SELECT count(*) FROM _ingest.api_quarantine_pending"));
        // 0.1.0 tasks still find their marker and go on landing during a rolling upgrade.
        assertEquals(1, pg.scalar(db, "SELECT max(version) FROM _ingest.catalog_version"));
    }

    @Test
    void anIngestSchemaOfSomeoneElseIsRefusedNotBaselined() throws Exception {
        String db = "catalog_foreign";
        pg.createDatabase(db);
        pg.execute(db, "CREATE SCHEMA _ingest; CREATE TABLE _ingest.notes (t text)");
        IngestException e = assertThrows(IngestException.class, () -> ensure(db));
        assertEquals(ErrorCode.CONFIG, e.code());
        assertTrue(e.getMessage().contains("did not create"), e.getMessage());
        assertEquals(0, pg.scalar(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'flyway_schema_history'"));
    }

    /** Figures for the README: what the check costs a run on an up-to-date warehouse, and what Flyway's own check costs. */
    @Test
    void theCheckOnAnUpToDateWarehouseIsOneOrTwoQueries() throws Exception {
        String db = "catalog_current";
        pg.createDatabase(db);
        ensure(db);
        int n = 50;
        try (Connection c = pg.connect(db)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                Catalog.ensure(wh(db), c);
            }
            long fast = System.nanoTime() - t0;
            Catalog.State s = Catalog.state(c);
            assertTrue(s.current());
            long t1 = System.nanoTime();
            Migrations.migrate(wh(db), s);
            long firstFlyway = System.nanoTime() - t1;
            long t2 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                Migrations.migrate(wh(db), s);
            }
            long flyway = (System.nanoTime() - t2) / 5;
            System.out.printf("catalog check on an up-to-date warehouse: %.2f ms per run; Flyway's migrate instead: %.1f ms"
                    + " (first in the JVM: %.1f ms)%n", fast / 1e6 / n, flyway / 1e6, firstFlyway / 1e6);
        }
        assertEquals(Catalog.VERSION, installed(db));
    }

    int installed(String db) throws Exception {
        try (Connection c = pg.connect(db)) {
            return Catalog.installedVersion(c);
        }
    }

    /** Columns, constraints and indexes of _ingest, as text. */
    String layout(String db, String tableFilter) throws Exception {
        StringBuilder b = new StringBuilder();
        try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT table_name, column_name, data_type, is_nullable, column_default, ordinal_position"
                    + " FROM information_schema.columns WHERE table_schema = '_ingest' " + tableFilter + " ORDER BY 1, 6")) {
                while (rs.next()) {
                    b.append(rs.getString(1)).append('.').append(rs.getString(2)).append(' ').append(rs.getString(3)).append(' ')
                            .append(rs.getString(4)).append(' ').append(rs.getString(5)).append('\n');
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    + " WHERE connamespace = '_ingest'::regnamespace AND conrelid::regclass::text NOT LIKE '%quarantine_pending' ORDER BY 1, 2")) {
                while (rs.next()) {
                    b.append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ').append(rs.getString(3)).append('\n');
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT indexdef FROM pg_indexes WHERE schemaname = '_ingest'"
                    + " AND tablename NOT LIKE '%quarantine_pending' ORDER BY indexname")) {
                while (rs.next()) {
                    b.append(rs.getString(1)).append('\n');
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname IN ('raw', 'raw_partitions', '_ingest') ORDER BY 1")) {
                while (rs.next()) {
                    b.append("schema ").append(rs.getString(1)).append('\n');
                }
            }
        }
        assertTrue(b.length() > 500, b.toString());
        return b.toString();
    }
}
