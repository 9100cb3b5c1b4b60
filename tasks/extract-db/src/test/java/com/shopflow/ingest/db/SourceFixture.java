package com.shopflow.ingest.db;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Checkpoints;
import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/** A source database with the ShopFlow tables and a warehouse, fresh per test class, on the shared real PostgreSQL. */
final class SourceFixture {
    static final Instant DAY1 = Instant.parse("2026-11-23T00:00:00Z");
    static final Instant DAY2 = Instant.parse("2026-11-24T00:00:00Z");
    static final Instant DAY3 = Instant.parse("2026-11-25T00:00:00Z");

    final PostgresServer pg = PostgresServer.shared();
    final String source;
    final String warehouse;

    SourceFixture(String name) throws SQLException {
        source = name + "_src";
        warehouse = name + "_wh";
        pg.createDatabase(source);
        pg.createDatabase(warehouse);
        sql(source, """
                CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL, full_name text, country text,
                  created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL);
                CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, currency char(3) NOT NULL,
                  total_amount numeric(12,2) NOT NULL, placed_at timestamptz NOT NULL, created_at timestamptz NOT NULL,
                  updated_at timestamptz NOT NULL);
                CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, product_id bigint NOT NULL,
                  quantity integer NOT NULL, unit_price numeric(12,2) NOT NULL, created_at timestamptz NOT NULL,
                  updated_at timestamptz NOT NULL);
                CREATE INDEX ON customers (updated_at);
                CREATE INDEX ON orders (updated_at);
                CREATE INDEX ON order_items (updated_at);
                """);
    }

    /** {@code n} orders per day over two days, ids from {@code firstId}; several share one updated_at (ties on the cursor). */
    void orders(long firstId, int perDay) throws SQLException {
        sql(source, "INSERT INTO orders SELECT g, g % 97, (ARRAY['new','paid','shipped'])[1 + g % 3], 'EUR', (g % 100000) / 100.0, "
                + "ts, ts, ts FROM (SELECT g, '" + DAY1 + "'::timestamptz + ((g - " + firstId + ") / 3) * (interval '86400 s' / "
                + perDay + ") * 3 AS ts FROM generate_series(" + firstId + ", " + (firstId + 2L * perDay - 1) + ") g) x");
    }

    AppProcess app() {
        AppProcess app = AppProcess.fromSystemProperty();
        app.env(pg.env("SOURCE_DB", source)).env(pg.env("WAREHOUSE_DB", warehouse));
        app.env("INGEST_RETRY_BASE_MILLIS", "100").env("INGEST_RETRY_CAP_MILLIS", "1000");
        return app;
    }

    void sql(String db, String sql) throws SQLException {
        pg.execute(db, sql);
    }

    long scalar(String db, String sql) throws SQLException {
        return pg.scalar(db, sql);
    }

    String text(String db, String sql) throws SQLException {
        try (Connection c = pg.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Chunks committed to the checkpoint of the partition being staged; -1 before there is one. */
    long checkpointChunks() throws SQLException {
        try (Connection c = pg.connect(warehouse)) {
            return Checkpoints.chunks(c);
        }
    }

    /** Waits until the run has committed {@code k} chunks (or ended), then SIGKILLs it if asked; true if it was killed. */
    boolean atChunk(AppProcess.Running run, int k, boolean kill) throws Exception {
        try (Connection poll = pg.connect(warehouse)) {
            if (kill) {
                return Checkpoints.killAt(poll, run, k);
            }
            Checkpoints.await(poll, run, k);
            return false;
        }
    }

    /** Checksum of the source's rows of [start, end): the truth a partition must equal. */
    String sourceTruth(String table, String columns, Instant start, Instant end) throws SQLException {
        return text(source, "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY t.id)), 'empty') FROM (SELECT "
                + columns + " FROM " + table + " WHERE updated_at >= '" + start + "' AND updated_at < '" + end + "') t");
    }

    /** The same checksum over the landed partition's data columns. */
    String landed(String table, String columns, Instant start, Instant end) throws SQLException {
        return text(warehouse, "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY t.id)), 'empty') FROM (SELECT "
                + columns + " FROM raw." + table + " WHERE _interval_start = '" + start + "' AND _interval_end = '" + end + "') t");
    }

    /** Checksum of the whole partition rows, metadata included. */
    String partition(String table, Instant start, Instant end) throws SQLException {
        try (Connection c = pg.connect(warehouse)) {
            return com.shopflow.ingest.testkit.Partitions.checksum(c, table, "id", start, end);
        }
    }
}
