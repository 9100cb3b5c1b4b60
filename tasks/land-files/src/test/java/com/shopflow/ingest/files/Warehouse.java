package com.shopflow.ingest.files;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Partitions;
import com.shopflow.ingest.testkit.PostgresServer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One test's warehouse database and the packaged app pointed at it and at a drop. */
final class Warehouse {
    static final String START = "2026-11-23T00:00:00+00:00";
    static final String END = "2026-11-24T00:00:00+00:00";
    static final Instant S = Instant.parse("2026-11-23T00:00:00Z");
    static final Instant E = Instant.parse("2026-11-24T00:00:00Z");

    final String db;
    final Drop drop;
    final AppProcess app;

    Warehouse(String db, Drop drop) {
        this.db = db;
        this.drop = drop;
        PostgresServer.shared().createDatabase(db);
        this.app = AppProcess.fromSystemProperty().env(PostgresServer.shared().env("WAREHOUSE_DB", db))
                .env("FILE_DROP_DIR", drop.root.toString()).env("INGEST_RETRY_BASE_MILLIS", "50");
    }

    AppProcess.Result land(String start, String end) throws IOException, InterruptedException {
        return app.run(Duration.ofMinutes(3), "--feed", "marketplace_orders", "--start", start, "--end", end);
    }

    AppProcess.Result land() throws IOException, InterruptedException {
        return land(START, END);
    }

    Connection connect() throws SQLException {
        return PostgresServer.shared().connect(db);
    }

    String checksum(Instant s, Instant e) throws SQLException {
        try (Connection c = connect()) {
            return Partitions.checksum(c, "marketplace_orders", "order_ref", s, e);
        }
    }

    String checksum() throws SQLException {
        return checksum(S, E);
    }

    /** First column of each row of {@code sql}, as text. */
    List<String> column(String sql, Object... args) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    String one(String sql, Object... args) throws SQLException {
        List<String> r = column(sql, args);
        if (r.size() != 1) {
            throw new AssertionError("expected one row from " + sql + ", got " + r);
        }
        return r.get(0);
    }

    long count(String sql, Object... args) throws SQLException {
        return Long.parseLong(one(sql, args));
    }
}
