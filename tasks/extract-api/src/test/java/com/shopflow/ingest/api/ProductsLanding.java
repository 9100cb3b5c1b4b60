package com.shopflow.ingest.api;

import static com.shopflow.ingest.api.ApiHarness.E;
import static com.shopflow.ingest.api.ApiHarness.S;

import com.shopflow.ingest.simulator.api.ApiFaults;
import com.shopflow.ingest.simulator.api.Product;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.LandingTask;
import com.shopflow.ingest.testkit.Partitions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;

/**
 * extract-api under the landing contract: about 1000 products in the day from the simulator's API (with duplicate
 * items throughout), 20 per page and 3 pages per chunk, so a run stages about 17 chunks.
 */
final class ProductsLanding implements LandingTask {
    static final ApiFaults DUPLICATES = ApiFaults.none().withDuplicates(0.2);
    /** One checksum over (id, updated_at, payload) for the truth and the landed partition alike. */
    private static final String CHECKSUM = "SELECT count(*) || ':' || coalesce(md5(string_agg(md5(row(id, updated_at, payload)::text), ''"
            + " ORDER BY id)), 'empty') FROM ";
    private final String db = "api_contract";
    ProductsApiServer api;
    private String truth;

    @Override
    public String name() {
        return "extract-api";
    }

    @Override
    public String target() {
        return "raw.products";
    }

    @Override
    public Instant intervalStart() {
        return S;
    }

    @Override
    public Instant intervalEnd() {
        return E;
    }

    @Override
    public String warehouseDatabase() {
        return db;
    }

    @Override
    public String[] args() {
        return ApiHarness.ARGS;
    }

    @Override
    public void prepareSource() {
        ApiHarness.database(db);
        // The contract's 100 per 60 s would make twenty runs take many minutes: an API and a client budget of the same
        // shape with room to spare keep them fast (the 429 scenario has its own API with a tight window).
        api = ProductsApiServer.start(ApiHarness.catalog().withRateLimit(100_000, Duration.ofSeconds(1)).withFaults(DUPLICATES));
    }

    @Override
    public AppProcess app(int warehousePort, int sourcePort) {
        return ApiHarness.app(db, api).env("PRODUCTS_API_URL", "http://127.0.0.1:" + sourcePort)
                .env("WAREHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:" + warehousePort + "/" + db)
                .env("INGEST_API_PAGE_SIZE", "20").env("INGEST_API_PAGES_PER_CHUNK", "3")
                .env("INGEST_API_BUDGET_REQUESTS", "100000").env("INGEST_API_BUDGET_WINDOW_SECONDS", "1");
    }

    @Override
    public OptionalInt sourcePort() {
        return OptionalInt.of(api.port());
    }

    @Override
    public int chunks() {
        return 17;
    }

    /** The simulator's current version of each product of the day, as jsonb in a temporary table, checksummed. */
    @Override
    public String truth() throws Exception {
        if (truth == null) {
            Map<Long, String> json = api.truthJson(S, E);
            try (Connection c = ApiHarness.connect(db); Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE truth (id bigint, updated_at timestamptz, payload jsonb)");
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO truth VALUES (?, ?, ?::jsonb)")) {
                    for (Product p : api.truth(S, E)) {
                        ps.setLong(1, p.id());
                        ps.setTimestamp(2, Timestamp.from(p.updatedAt()));
                        ps.setString(3, json.get(p.id()));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                try (ResultSet rs = s.executeQuery(CHECKSUM + "truth")) {
                    rs.next();
                    truth = rs.getString(1);
                }
            }
        }
        return truth;
    }

    @Override
    public String landed() throws Exception {
        try (Connection c = ApiHarness.connect(db); PreparedStatement ps = c.prepareStatement(CHECKSUM
                + "(SELECT id, updated_at, payload::jsonb AS payload FROM raw.products WHERE _interval_start = ? AND _interval_end = ?) t")) {
            ps.setTimestamp(1, Timestamp.from(S));
            ps.setTimestamp(2, Timestamp.from(E));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Override
    public String partition() throws Exception {
        try (Connection c = ApiHarness.connect(db)) {
            return Partitions.checksum(c, "products", "id", S, E);
        }
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
    }
}
