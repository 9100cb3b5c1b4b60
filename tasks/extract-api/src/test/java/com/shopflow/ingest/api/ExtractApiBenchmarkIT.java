package com.shopflow.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.shopflow.ingest.simulator.api.ApiFaults;
import com.shopflow.ingest.simulator.api.ApiOptions;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The figures of issue 4, not a test (several minutes): run by hand with
 * {@code ./mvnw -o -pl tasks/extract-api verify -Dit.test=ExtractApiBenchmarkIT -Dbenchmark=true}.
 * Results go to stdout and target/benchmark.txt.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ExtractApiBenchmarkIT {
    private static final LocalDate DAY = LocalDate.parse("2026-11-21");
    private static final String[] ARGS = {"--resource", "products", "--start", "2026-11-21T00:00:00Z", "--end", "2026-11-22T00:00:00Z"};
    private final List<String> lines = new ArrayList<>();

    private void report(String line) {
        System.out.println("BENCHMARK " + line);
        lines.add(line);
    }

    private static AppProcess app(String db, ProductsApiServer api) {
        return AppProcess.fromSystemProperty()
                .env(com.shopflow.ingest.testkit.PostgresServer.shared().env("WAREHOUSE_DB", db))
                .env("PRODUCTS_API_URL", api.url()).env("PRODUCTS_API_TOKEN", ApiHarness.TOKEN);
    }

    @Test
    void figures() throws Exception {
        tenThousandProducts(95);
        tenThousandProducts(100);
        stormRuns(20);
        Files.write(Path.of("target", "benchmark.txt"), lines);
    }

    private void tenThousandProducts(int budget) throws Exception {
        try (ProductsApiServer api = ProductsApiServer.start(ApiOptions.of(10_000, 5, DAY, 1, ApiHarness.TOKEN))) {
            String db = ApiHarness.database("bench_10k_" + budget);
            long t0 = System.nanoTime();
            AppProcess.Result r = app(db, api).env("INGEST_API_BUDGET_REQUESTS", Integer.toString(budget)).run(Duration.ofMinutes(10), ARGS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, r.exitCode(), r.toString());
            String j = r.lastStdoutLine();
            report(String.format("10k products, limit 100/60 s, client budget %d/60 s: rows=%d requests=%d (minimum %d) 429s=%d "
                            + "wall=%.1f s (task-reported %s ms; budget wait %s ms)", budget, Json.longField(j, "rows"),
                    Json.longField(j, "requests"), 100, Json.longField(j, "rate_limited"), ms / 1000.0, Json.field(j, "duration_ms"),
                    Json.field(j, "budget_wait_ms")));
        }
    }

    private void stormRuns(int runs) throws Exception {
        ApiFaults storm = ApiFaults.none().withErrors(0.2, 0).withDrops(0.05, 0).withDuplicates(0.05);
        // The API allows 20 requests per 5 s while the client's budget assumes 95 per 60 s: a 429 storm.
        ApiOptions o = ApiOptions.of(2000, 9, DAY, 1, ApiHarness.TOKEN).withRateLimit(20, Duration.ofSeconds(5)).withFaults(storm);
        int failed = 0;
        long requests = 0;
        long limited = 0;
        long retries = 0;
        long t0 = System.nanoTime();
        try (ProductsApiServer api = ProductsApiServer.start(o)) {
            for (int i = 0; i < runs; i++) {
                String db = ApiHarness.database("bench_storm_" + i);
                AppProcess.Result r = app(db, api).env("INGEST_RETRY_BASE_MILLIS", "100").env("INGEST_RETRY_CAP_MILLIS", "2000")
                        .run(Duration.ofMinutes(5), ARGS);
                if (r.exitCode() != 0) {
                    failed++;
                    report("storm run " + i + " failed: " + r.firstStderrLine());
                    continue;
                }
                String j = r.lastStdoutLine();
                requests += Json.longField(j, "requests");
                limited += Json.longField(j, "rate_limited");
                retries += Json.longField(j, "retries");
                if (Json.longField(j, "rows") != api.truth(java.time.Instant.parse("2026-11-21T00:00:00Z"),
                        java.time.Instant.parse("2026-11-22T00:00:00Z")).size()) {
                    failed++;
                    report("storm run " + i + " landed a wrong row count: " + j);
                }
            }
            report(String.format("%d runs of 2000 products with 20%% 5xx, 5%% dropped connections, 5%% duplicates and a 20/5 s "
                            + "rate limit: failed=%d, requests=%d (minimum %d), 429s=%d, retries=%d, server 5xx=%d, drops=%d, wall=%.0f s",
                    runs, failed, requests, runs * 20, limited, retries, api.counters().serverErrors(), api.counters().dropped(),
                    (System.nanoTime() - t0) / 1e9));
        }
    }
}
