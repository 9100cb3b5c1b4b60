package com.shopflow.ingest.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.Partitions;
import com.shopflow.ingest.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each task lands a real partition when run exactly as its JVM image runs it: the ENTRYPOINT plus the contract's
 * arguments, configuration from the environment and passwords from mounted files (the *_FILE variables), as in
 * `docker run --env-file task.env -v ./secrets:/run/secrets:ro IMAGE ARGS`.
 */
class LandThroughEntrypointIT {
    static final Instant DAY1 = Instant.parse("2026-11-23T00:00:00Z");
    static final Instant DAY2 = Instant.parse("2026-11-24T00:00:00Z");
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    static final String TOKEN = "tok-canary-9b2c";

    @TempDir
    Path secrets;

    private final PostgresServer pg = PostgresServer.shared();

    @Test
    void extractDbShouldLandTheOrdersOfTheInterval() throws Exception {
        JvmEntrypoint image = JvmEntrypointIT.implemented(Task.named("extract-db"));
        pg.createDatabase("docker_src");
        try (Connection c = pg.connect("docker_src"); Statement s = c.createStatement()) {
            s.execute(SourceSchema.DDL);
            s.execute("INSERT INTO orders VALUES "
                    + "(1, 10, 'placed', 'EUR', 10.00, '2026-11-23 01:00+00', '2026-11-23 01:00+00', '2026-11-23 01:00+00'),"
                    + "(2, 11, 'paid', 'USD', 20.50, '2026-11-23 02:00+00', '2026-11-23 02:00+00', '2026-11-23 23:59:59.999+00'),"
                    + "(3, 12, 'shipped', 'EUR', 5.25, '2026-11-22 09:00+00', '2026-11-22 09:00+00', '2026-11-23 00:00+00'),"
                    + "(4, 13, 'placed', 'EUR', 7.00, '2026-11-24 00:00+00', '2026-11-24 00:00+00', '2026-11-24 00:00+00')");
        }
        Map<String, String> env = warehouse("docker_wh_db");
        env.putAll(db("SOURCE_DB", "docker_src"));
        AppProcess.Result r = image.run(env, TIMEOUT, "--table", "orders", "--start", ts(DAY1), "--end", ts(DAY2));
        assertLanded(r, "docker_wh_db", "orders", 3);
    }

    @Test
    void landFilesShouldLandTheDateFoldersOfTheInterval(@TempDir Path drop) throws Exception {
        JvmEntrypoint image = JvmEntrypointIT.implemented(Task.named("land-files"));
        Path day = Files.createDirectories(drop.resolve("marketplace_orders").resolve("2026-11-23"));
        Files.writeString(day.resolve("marketplace_orders_20261123_01.csv"), """
                order_ref,ordered_at,customer_email,sku,quantity,unit_price,currency
                MP-1,2026-11-23T08:00:00Z,ana@example.com,SKU-1,1,12.50,EUR
                MP-2,2026-11-23T09:30:00Z,zoë@example.com,SKU-2,3,4.00,EUR
                """, StandardCharsets.UTF_8);
        Files.createFile(day.resolve("_DONE"));
        Map<String, String> env = warehouse("docker_wh_files");
        env.put("FILE_DROP_DIR", drop.toString());
        AppProcess.Result r = image.run(env, TIMEOUT, "--feed", "marketplace_orders", "--start", ts(DAY1), "--end", ts(DAY2));
        assertLanded(r, "docker_wh_files", "marketplace_orders", 2);
    }

    @Test
    void extractApiShouldLandTheProductsOfTheInterval() throws Exception {
        JvmEntrypoint image = JvmEntrypointIT.implemented(Task.named("extract-api"));
        List<ProductsStub.Product> products = List.of(new ProductsStub.Product(1, DAY1.plusSeconds(60)),
                new ProductsStub.Product(2, DAY2.minusSeconds(1)), new ProductsStub.Product(3, DAY2));
        try (ProductsStub api = new ProductsStub(TOKEN, products)) {
            Map<String, String> env = warehouse("docker_wh_api");
            env.put("PRODUCTS_API_URL", api.url());
            env.put("PRODUCTS_API_TOKEN_FILE", secret("products-token", TOKEN).toString());
            AppProcess.Result r = image.run(env, TIMEOUT, "--resource", "products", "--start", ts(DAY1), "--end", ts(DAY2));
            assertLanded(r, "docker_wh_api", "products", 2);
            assertFalse(r.stdout().contains(TOKEN) || r.stderr().contains(TOKEN), "the token never appears in the output");
        }
    }

    private void assertLanded(AppProcess.Result r, String warehouse, String table, long rows) throws Exception {
        assertEquals(0, r.exitCode(), r.toString());
        String summary = r.lastStdoutLine();
        assertEquals("landed", Json.field(summary, "outcome"), summary);
        assertEquals(rows, Json.longField(summary, "rows"), summary);
        assertFalse(r.stdout().contains(PostgresServer.PASSWORD) || r.stderr().contains(PostgresServer.PASSWORD), "no password in the output");
        try (Connection c = pg.connect(warehouse)) {
            assertEquals(rows, Partitions.count(c, table, DAY1, DAY2), "rows of raw." + table + " in [" + DAY1 + ", " + DAY2 + ")");
        }
    }

    /** The warehouse variables, the password as a mounted secret file. */
    private Map<String, String> warehouse(String database) throws Exception {
        pg.createDatabase(database);
        return db("WAREHOUSE_DB", database);
    }

    private Map<String, String> db(String prefix, String database) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put(prefix + "_URL", pg.jdbcUrl(database));
        env.put(prefix + "_USER", PostgresServer.USER);
        // Kubernetes secret volumes often end the value with a newline; the tasks must not take it as part of it.
        env.put(prefix + "_PASSWORD_FILE", secret(prefix.toLowerCase() + "-password", PostgresServer.PASSWORD + "\n").toString());
        return env;
    }

    private Path secret(String name, String value) throws Exception {
        Path f = secrets.resolve(name);
        Files.writeString(f, value, StandardCharsets.UTF_8);
        return f;
    }

    /** As Airflow's `{{ data_interval_start | ts }}` renders it. */
    private static String ts(Instant i) {
        return i.toString().replace("Z", "+00:00");
    }
}
