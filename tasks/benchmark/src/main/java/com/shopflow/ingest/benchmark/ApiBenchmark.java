package com.shopflow.ingest.benchmark;

import com.shopflow.ingest.simulator.api.ApiFaults;
import com.shopflow.ingest.simulator.api.ApiOptions;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.Json;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * extract-api against the rate limit: the simulator's products API runs in this JVM, the packaged extract-api runs
 * as a process like the other tasks. Its floor is not bandwidth but the API's limit, so the report compares the
 * requests made with the fewest that can fetch the products, and the wall time with the least the limit allows.
 */
record ApiBenchmark(Benchmark bench) {
    static final String TOKEN = "bench-token-9c41";
    static final int PAGE_SIZE = 100;
    static final int BUDGET = 95;
    static final Duration BUDGET_WINDOW = Duration.ofSeconds(60);

    /** One extract-api run against one API set-up. */
    record Scenario(String name, ApiOptions api, Map<String, String> env) {
    }

    void run(long[] sizes) throws Exception {
        List<String> report = bench.report;
        report.add("");
        report.add("## extract-api: products, API to warehouse");
        report.add("");
        report.add("The simulator's products API in the benchmark's JVM (contract limit " + ApiOptions.CONTRACT_RATE_LIMIT + " requests per "
                + ApiOptions.CONTRACT_WINDOW.toSeconds() + " s per token), all products in one day; extract-api: `java "
                + String.join(" ", Benchmark.JVM_OPTIONS) + " -jar quarkus-run.jar --resource products ...`, pages of " + PAGE_SIZE
                + ", wall time including JVM start-up, one run per line. *Minimum requests* = products / page size. *Rate-limit minimum* ="
                + " the least time the API's limit allows for that many requests (the first window's worth go at once, each further"
                + " window's worth one window later); *budget minimum* = the same for the client's own budget ("
                + BUDGET + " per " + BUDGET_WINDOW.toSeconds() + " s by default, kept 5% under the limit so that pods sharing a token"
                + " never meet 429s). Requests, 429s and retries are the task's own counts; rows are checked against the API's truth.");
        report.add("");
        report.add("| scenario | products | requests | minimum requests | 429s | retries | wall s | rate-limit minimum s | budget minimum s | peak RSS MB |");
        report.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        // One unmeasured run first, so that the first line does not pay for this JVM's and the OS' cold caches.
        measure(new Scenario("warm-up", ApiOptions.of(1000, 3, LocalDate.ofInstant(Benchmark.START, ZoneOffset.UTC), 1, TOKEN),
                Map.of()), 1000);
        for (long n : sizes) {
            ApiOptions contract = ApiOptions.of(Math.toIntExact(n), 7, LocalDate.ofInstant(Benchmark.START, ZoneOffset.UTC), 1, TOKEN);
            ApiFaults storm = ApiFaults.none().withErrors(0.10, 0).withDrops(0.03, 0).withDuplicates(0.05);
            for (Scenario s : List.of(
                    new Scenario("budget " + BUDGET + "/60 s (default)", contract, Map.of()),
                    new Scenario("budget 100/60 s (no margin)", contract, Map.of("INGEST_API_BUDGET_REQUESTS", "100")),
                    // A limit tighter than the client's budget assumes (another consumer of the token, say) draws 429s.
                    new Scenario("faults: 20/5 s limit, 10% 5xx, 3% dropped connections, 5% duplicates",
                            contract.withRateLimit(20, Duration.ofSeconds(5)).withFaults(storm), Map.of()))) {
                report.add(measure(s, n));
                bench.print();
            }
        }
        report.add("");
        report.add("The faults line uses the default budget and retry settings (backoff from 500 ms, capped at 30 s): its extra wall time"
                + " over the first line is what 429s, 5xx answers and dropped connections cost; 429s are waited out as `Retry-After`"
                + " says and do not count as retries.");
    }

    private String measure(Scenario s, long n) throws Exception {
        String wh = "bench_api_" + n;
        bench.pg.createDatabase(wh);
        try (ProductsApiServer api = ProductsApiServer.start(s.api())) {
            Map<String, String> env = new HashMap<>(bench.pg.env("WAREHOUSE_DB", wh));
            env.put("PRODUCTS_API_URL", api.url());
            env.put("PRODUCTS_API_TOKEN", TOKEN);
            env.putAll(s.env());
            Measured m = Measured.run(bench.taskCommand("extract-api", "--resource", "products", "--start", Benchmark.START.toString(),
                    "--end", Benchmark.END.toString()), env);
            if (m.exitCode() != 0) {
                throw new IllegalStateException("extract-api failed (exit " + m.exitCode() + "): " + m.stdout());
            }
            String json = m.lastLine();
            long truth = api.truth(Benchmark.START, Benchmark.END).size();
            long landed = bench.scalar(wh, "SELECT count(*) FROM raw.products");
            if (Json.longField(json, "rows") != truth || landed != truth) {
                throw new IllegalStateException("extract-api landed " + landed + " products, the API has " + truth + ": " + json);
            }
            long minimum = Math.max(1, (truth + PAGE_SIZE - 1) / PAGE_SIZE);
            int budget = Integer.parseInt(s.env().getOrDefault("INGEST_API_BUDGET_REQUESTS", Integer.toString(BUDGET)));
            bench.drop(wh);
            return String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %,d | %.1f | %d | %d | %.0f |", s.name(), n,
                    Json.longField(json, "requests"), minimum, Json.longField(json, "rate_limited"), Json.longField(json, "retries"),
                    m.seconds(), floorSeconds(minimum, s.api().rateLimit(), s.api().rateWindow()),
                    floorSeconds(minimum, budget, BUDGET_WINDOW), m.peakRssKb() / 1024.0);
        }
    }

    /** The least time {@code requests} take under {@code limit} per rolling {@code window}: full windows after the first. */
    static long floorSeconds(long requests, int limit, Duration window) {
        return (requests - 1) / limit * window.toSeconds();
    }
}
