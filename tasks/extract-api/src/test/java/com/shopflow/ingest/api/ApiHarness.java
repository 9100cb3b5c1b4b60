package com.shopflow.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.shopflow.ingest.simulator.api.ApiOptions;
import com.shopflow.ingest.simulator.api.Product;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Checkpoints;
import com.shopflow.ingest.testkit.Partitions;
import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared set-up of the extract-api integration tests: the simulator's API, a warehouse database, the packaged app. */
final class ApiHarness {
    static final String TOKEN = "tok-canary-4f9d2a77";
    static final LocalDate FIRST_DAY = LocalDate.parse("2026-11-20");
    static final Instant S = Instant.parse("2026-11-21T00:00:00Z");
    static final Instant E = Instant.parse("2026-11-22T00:00:00Z");
    static final String[] ARGS = {"--resource", "products", "--start", "2026-11-21T00:00:00+00:00", "--end", "2026-11-22T00:00:00Z"};
    static final ObjectMapper JSON = new ObjectMapper();

    private ApiHarness() {
    }

    /** 3000 products over three days: about 1000 in the tested day. */
    static ApiOptions catalog() {
        return ApiOptions.of(3000, 11, FIRST_DAY, 3, TOKEN);
    }

    static AppProcess app(String db, ProductsApiServer api) {
        return AppProcess.fromSystemProperty()
                .env(PostgresServer.shared().env("WAREHOUSE_DB", db))
                .env("PRODUCTS_API_URL", api.url())
                .env("PRODUCTS_API_TOKEN", TOKEN)
                .env("INGEST_API_PAGE_SIZE", "50")
                .env("INGEST_RETRY_BASE_MILLIS", "20")
                .env("INGEST_RETRY_CAP_MILLIS", "300")
                // Short runs on a busy 2-core machine: the C1 compiler alone starts faster.
                .jvmOption("-XX:TieredStopAtLevel=1")
                .jvmOption("-XX:+UseSerialGC");
    }

    static String database(String name) {
        PostgresServer.shared().createDatabase(name);
        return name;
    }

    static Connection connect(String db) throws Exception {
        return PostgresServer.shared().connect(db);
    }

    /** The landed partition: id to (updated_at, payload). */
    static Map<Long, Object[]> landed(String db) throws Exception {
        Map<Long, Object[]> out = new HashMap<>();
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(
                "SELECT id, updated_at, payload::text FROM raw.products WHERE _interval_start = ? AND _interval_end = ?")) {
            ps.setTimestamp(1, Timestamp.from(S));
            ps.setTimestamp(2, Timestamp.from(E));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object prev = out.put(rs.getLong(1), new Object[] {rs.getTimestamp(2).toInstant(), JSON.readTree(rs.getString(3))});
                    assertEquals(null, prev, "one row per id");
                }
            }
        }
        return out;
    }

    /** The partition holds exactly the simulator's truth: same ids, same updated_at, same item JSON. */
    static void assertEqualsTruth(String db, ProductsApiServer api) throws Exception {
        Map<Long, Object[]> rows = landed(db);
        List<Product> truth = api.truth(S, E);
        Map<Long, String> json = api.truthJson(S, E);
        assertEquals(truth.size(), rows.size(), "row count");
        for (Product p : truth) {
            Object[] row = rows.get(p.id());
            assertEquals(p.updatedAt(), row == null ? null : row[0], "updated_at of " + p.id());
            JsonNode expected = JSON.readTree(json.get(p.id()));
            assertEquals(expected, row[1], "payload of " + p.id());
        }
    }

    static String checksum(String db) throws Exception {
        try (Connection c = connect(db)) {
            return Partitions.checksum(c, "products", "id", S, E);
        }
    }

    static long publishedPartitions(String db) throws Exception {
        try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM _ingest.partition WHERE target = 'raw.products'")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            return 0; // The catalog does not exist yet.
        }
    }

    static long checkpointChunks(String db) {
        try (Connection c = connect(db)) {
            return Checkpoints.chunks(c);
        } catch (Exception e) {
            return -1;
        }
    }
}
