package com.shopflow.ingest.simulator.api;

import io.quarkus.runtime.Quarkus;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code simulator api}: serves the products API until killed and prints one JSON line with its URL. The
 * token comes from an environment variable, never from a flag (flags show in {@code ps}).
 */
@Command(name = "api", mixinStandardHelpOptions = true,
        description = "Serves the products catalog API (CONTRACT 1.2) with its rate limit and switchable faults.")
public class ApiCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "8089", description = "Port to listen on (0: any free port)")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on")
    String bind;

    @Option(names = "--products", defaultValue = "1000", description = "Catalog size")
    int products;

    @Option(names = "--seed", defaultValue = "42", description = "Seed: the same seed serves the same catalog")
    long seed;

    @Option(names = "--first-day", defaultValue = "2026-11-01", description = "First day (UTC) of the updated_at range, YYYY-MM-DD")
    String firstDay;

    @Option(names = "--days", defaultValue = "7", description = "Number of days the updated_at values spread over")
    int days;

    @Option(names = "--token-env", defaultValue = "PRODUCTS_API_TOKEN", description = "Environment variable holding the accepted token")
    String tokenEnv;

    @Option(names = "--rate-limit", defaultValue = "100", description = "Requests per token per window")
    int rateLimit;

    @Option(names = "--rate-window-seconds", defaultValue = "60", description = "Rolling window of the rate limit")
    int rateWindowSeconds;

    @Option(names = "--cursor-lifetime-seconds", defaultValue = "900", description = "How long a cursor stays valid")
    int cursorLifetimeSeconds;

    @Option(names = "--error-rate", defaultValue = "0", description = "Share of requests answered 500/502/503")
    double errorRate;

    @Option(names = "--error-every", defaultValue = "0", description = "Every n-th request answered 500/502/503 (0: off)")
    int errorEvery;

    @Option(names = "--drop-rate", defaultValue = "0", description = "Share of answers whose connection is reset halfway")
    double dropRate;

    @Option(names = "--drop-every", defaultValue = "0", description = "Every n-th answer cut halfway (0: off)")
    int dropEvery;

    @Option(names = "--duplicate-rate", defaultValue = "0", description = "Chance of an item repeated within or across pages")
    double duplicateRate;

    @Option(names = "--edits-per-page", defaultValue = "0", description = "Products of each page edited during the pagination")
    int editsPerPage;

    @Option(names = "--new-fields", description = "Items carry fields the contract does not list")
    boolean newFields;

    @Option(names = "--malformed", defaultValue = "none", description = "none, invalid-json, missing-id or missing-updated-at")
    String malformed;

    @Option(names = "--malformed-page", defaultValue = "2", description = "Which page of each pagination is malformed (1-based)")
    int malformedPage;

    @Override
    public Integer call() {
        String token = System.getenv(tokenEnv);
        if (token == null || token.isEmpty()) {
            System.err.println("simulator api: the environment variable " + tokenEnv + " (the accepted token) is not set");
            return 2;
        }
        LocalDate first;
        ApiFaults.Malformed how;
        try {
            first = LocalDate.parse(firstDay);
            how = ApiFaults.Malformed.parse(malformed);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            System.err.println("simulator api: --first-day must be YYYY-MM-DD and --malformed one of none, invalid-json, "
                    + "missing-id, missing-updated-at");
            return 2;
        }
        ApiFaults faults = new ApiFaults(errorRate, errorEvery, dropRate, dropEvery, duplicateRate, editsPerPage, newFields, how,
                malformedPage);
        ApiOptions options = new ApiOptions(port, bind, products, seed, first, days, token, rateLimit,
                Duration.ofSeconds(rateWindowSeconds), Duration.ofSeconds(cursorLifetimeSeconds), faults);
        ProductsApiServer server;
        try {
            server = ProductsApiServer.start(options);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("simulator api: " + e.getMessage());
            return 2;
        }
        System.out.println("{\"service\":\"products-api\",\"url\":\"" + server.url() + "\",\"products\":" + products + ",\"seed\":" + seed
                + ",\"first_day\":\"" + first + "\",\"days\":" + days + ",\"token_env\":\"" + tokenEnv + "\"}");
        System.out.flush();
        try {
            Quarkus.waitForExit();
        } finally {
            server.stop();
        }
        return 0;
    }
}
