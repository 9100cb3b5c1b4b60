package com.shopflow.ingest.api;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.Redaction;
import com.shopflow.ingest.core.RetryPolicy;
import com.shopflow.ingest.core.cli.ExitCodeHelp;
import com.shopflow.ingest.core.cli.InspectCommand;
import com.shopflow.ingest.core.cli.IntervalOptions;
import com.shopflow.ingest.core.cli.Lineage;
import com.shopflow.ingest.core.cli.RunSummary;
import com.shopflow.ingest.core.cli.TaskRunner;
import com.shopflow.ingest.core.current.CurrentTable;
import com.shopflow.ingest.core.config.DbSettings;
import com.shopflow.ingest.core.config.IngestConfig;
import com.shopflow.ingest.core.landing.Column;
import com.shopflow.ingest.core.landing.Dedup;
import com.shopflow.ingest.core.landing.Landing;
import com.shopflow.ingest.core.landing.Partition;
import com.shopflow.ingest.core.landing.PendingQuarantine;
import com.shopflow.ingest.core.landing.SchemaPolicy;
import com.shopflow.ingest.core.landing.Shape;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code extract-api --resource products --start S --end E}: lands the products whose {@code updated_at} is
 * in {@code [S, E)} as the partition {@code (S, E)} of {@code raw.products}, each item as received in
 * {@code payload jsonb}, at most one row per id (the latest {@code updated_at} wins).
 */
@TopCommand
@Command(name = "extract-api", mixinStandardHelpOptions = true, subcommands = {InspectCommand.class, RebuildCurrent.class},
        description = "Lands the products catalog API into raw.products for one interval.",
        exitCodeListHeading = ExitCodeHelp.HEADING)
public class ExtractApiCommand implements Callable<Integer> {
    static final String TASK = "extract-api";
    static final String TABLE = "products";
    static final String TARGET = "raw." + TABLE;
    static final Shape SHAPE = new Shape(List.of(new Column("id", "bigint"), new Column("updated_at", "timestamp with time zone"),
            new Column("payload", "jsonb")));

    @Option(names = "--resource", paramLabel = "<resource>", description = "The API resource: products")
    String resource;

    @Mixin
    IntervalOptions interval;

    @Mixin
    ExitCodeHelp exitCodes;

    @Inject
    IngestConfig config;

    @Inject
    ApiSettings api;

    @Override
    public Integer call() {
        Lineage.Dataset input = new Lineage.Dataset(api.url().orElse("products-api"), "v1/products");
        return TaskRunner.run(TASK, TARGET, input, interval, config.xcomFile(), this::extract);
    }

    private RunSummary extract() throws Exception {
        if (resource == null) {
            throw new IngestException(ErrorCode.USAGE, "--resource is missing: the API offers products");
        }
        if (!TABLE.equals(resource)) {
            throw new IngestException(ErrorCode.USAGE, "--resource '" + resource + "' is unknown: the API offers products");
        }
        if (interval.everyGiven()) {
            // Each interval is its own walk of the API's cursor under the shared request budget: a range in one process
            // would save only the JVM's start, against a budget measured in minutes. One run per interval (README).
            throw new IngestException(ErrorCode.USAGE, "extract-api lands one interval per run: --every is not supported;"
                    + " run it once per interval");
        }
        Interval iv = interval.interval();
        String url = api.url().filter(u -> !u.isBlank()).orElseThrow(() -> new IngestException(ErrorCode.CONFIG,
                "PRODUCTS_API_URL is not set: the catalog API base URL, e.g. https://catalog.shopflow.internal"));
        URI base = baseUri(url);
        String token = token();
        if (api.pageSize() < 1 || api.pageSize() > 100) {
            throw new IngestException(ErrorCode.CONFIG, "INGEST_API_PAGE_SIZE must be 1..100");
        }
        if (api.maxBadShare() < 0 || api.maxBadShare() > 1 || api.maxItemDepth() < 2 || api.maxPagesWithoutProgress() < 1) {
            throw new IngestException(ErrorCode.CONFIG, "INGEST_API_MAX_BAD_SHARE must be 0..1, INGEST_API_MAX_ITEM_DEPTH at least 2"
                    + " and INGEST_API_MAX_PAGES_WITHOUT_PROGRESS at least 1");
        }
        ProductsHttp http = new ProductsHttp(base, Duration.ofSeconds(api.connectTimeoutSeconds()), Duration.ofSeconds(api.readTimeoutSeconds()),
                Duration.ofSeconds(api.requestTimeoutSeconds()), api.maxPageBytes());
        FetchStats stats = new FetchStats();
        RetryPolicy retry = RetryPolicy.from(config.retry()).withMaxAttempts(api.maxAttempts());
        Duration window = Duration.ofSeconds(api.budgetWindowSeconds());
        WaitBudget waits = new WaitBudget(Duration.ofSeconds(api.maxWaitSeconds()));
        PageParser parser = new PageParser(api.maxItemDepth());
        if (interval.dryRun()) {
            ProductsSource source = new ProductsSource(http, token, iv, api.pageSize(), new LocalBudget(api.budgetRequests(), window), retry,
                    waits, Duration.ofSeconds(api.retryAfterCapSeconds()), parser, stats);
            Page first = source.fetch(null, 1).page();
            return summary(iv, stats, waits).put("first_page_items", first.items().size()).put("first_page_quarantined", first.bad().size())
                    .put("more_pages", !first.last());
        }
        DbSettings wh = DbSettings.warehouse(config);
        Landing.Request req = Landing.Request.of(config.landing(), TASK, TABLE, SHAPE, List.of(), iv,
                SchemaPolicy.forTable(TABLE, config.landing().schemaPolicy(), System.getenv()), interval.runId());
        try (Landing landing = Landing.open(wh, req);
             RequestBudget budget = new SharedBudget(wh, RequestBudget.name(url, token), api.budgetRequests(), window);
             PendingQuarantine quarantine = new PendingQuarantine(PendingQuarantine.Table.API, wh, Partition.of(TABLE, iv), TASK)) {
            try {
                ProductsSource source = new ProductsSource(http, token, iv, api.pageSize(), budget, retry, waits,
                        Duration.ofSeconds(api.retryAfterCapSeconds()), parser, stats);
                ProductsExtraction.Limits limits = new ProductsExtraction.Limits(api.pagesPerChunk(), Duration.ofSeconds(api.cursorMaxAgeSeconds()),
                        api.maxCursorRestarts(), api.maxPagesWithoutProgress(), api.maxBadShare());
                long staging = System.nanoTime();
                ProductsExtraction.Outcome out = new ProductsExtraction(landing, source, quarantine, TARGET, iv, limits, retry, stats).run();
                long publishing = System.nanoTime();
                Landing.Published p = landing.publish(new Dedup(List.of("id"), List.of("updated_at")),
                        out.watermark() == null ? null : out.watermark().toString(),
                        CurrentTable.around(config.landing(), RebuildCurrent.PRODUCTS, iv, (c, runId) -> {
                            try (var up = c.prepareStatement("UPDATE _ingest.load_run SET requests = ? WHERE run_id = ?")) {
                                up.setLong(1, stats.requests);
                                up.setObject(2, runId);
                                up.executeUpdate();
                            }
                            quarantine.publish(c, runId);
                        }));
                return summary(iv, stats, waits).rows(p.rows()).partition(p.partitionTable()).schemaVersion(p.schemaVersion())
                        .attempt(landing.attempt()).runId(landing.runId())
                        .phase("stage", (publishing - staging) / 1_000_000).phase("publish", (System.nanoTime() - publishing) / 1_000_000)
                        .put("duplicates_removed", p.duplicatesRemoved()).put("items_quarantined", out.quarantined())
                        .put("pages", out.pages()).put("resumed_pages", out.resumedPages());
            } catch (IngestException e) {
                landing.fail(e);
                throw e;
            } catch (Exception e) {
                IngestException ie = new IngestException(ErrorCode.INTERNAL, "unexpected failure: " + Failures.oneLine(e), e);
                landing.fail(ie);
                throw ie;
            }
        }
    }

    private static RunSummary summary(Interval iv, FetchStats stats, WaitBudget waits) {
        return new RunSummary(TASK, TARGET, iv).put("requests", stats.requests).put("rate_limited", stats.rateLimited)
                .put("retries", stats.retries).put("items_read", stats.items).put("items_outside_interval", stats.skipped)
                .put("cursor_restarts", stats.cursorRestarts).phase("budget_wait", stats.budgetWaitMillis)
                .phase("rate_limit_wait", stats.rateLimitWaitMillis).phase("wait_budget_spent", waits.spentMillis())
                .put("items_quarantined_this_attempt", stats.quarantined);
    }

    private String token() {
        String token = api.token().filter(t -> !t.isEmpty()).orElseGet(() -> api.tokenFile().map(ExtractApiCommand::readTokenFile)
                .orElseThrow(() -> new IngestException(ErrorCode.CONFIG, "PRODUCTS_API_TOKEN (or PRODUCTS_API_TOKEN_FILE) is not set")));
        token = token.strip();
        if (token.isEmpty()) {
            throw new IngestException(ErrorCode.CONFIG, "the products API token is empty");
        }
        Redaction.register(token);
        return token;
    }

    private static String readTokenFile(String file) {
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IngestException(ErrorCode.CONFIG, "PRODUCTS_API_TOKEN_FILE points to a file that cannot be read: " + file);
        }
    }

    /**
     * PRODUCTS_API_URL, checked at once: a URL that does not parse (bad percent-encoding, spaces, a broken authority)
     * is a configuration error, never a retry. The value itself is not printed: it may carry credentials.
     */
    static URI baseUri(String url) {
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IngestException(ErrorCode.CONFIG, "PRODUCTS_API_URL is not a valid URL: " + e.getReason() + " at character "
                    + (e.getIndex() + 1) + "; percent signs must be followed by two hex digits");
        }
        if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) {
            throw new IngestException(ErrorCode.CONFIG, "PRODUCTS_API_URL is not an http(s) URL");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IngestException(ErrorCode.CONFIG, "PRODUCTS_API_URL has no valid host name");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IngestException(ErrorCode.CONFIG, "PRODUCTS_API_URL must be a base URL without '?query' or '#fragment'");
        }
        if (u.getPort() > 65535) {
            throw new IngestException(ErrorCode.CONFIG, "PRODUCTS_API_URL has a port beyond 65535");
        }
        return u;
    }
}
