package com.shopflow.ingest.demo;

import com.shopflow.ingest.simulator.api.ApiFaults;
import com.shopflow.ingest.simulator.api.ApiOptions;
import com.shopflow.ingest.simulator.api.Product;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.simulator.db.DayTraffic;
import com.shopflow.ingest.simulator.db.LateCommit;
import com.shopflow.ingest.simulator.db.Scale;
import com.shopflow.ingest.simulator.db.ShopDatabase;
import com.shopflow.ingest.simulator.db.TableTruth;
import com.shopflow.ingest.simulator.files.DayTruth;
import com.shopflow.ingest.simulator.files.DropManifest;
import com.shopflow.ingest.simulator.files.DropOptions;
import com.shopflow.ingest.simulator.files.Fault;
import com.shopflow.ingest.simulator.files.PartnerDrop;
import com.shopflow.ingest.simulator.pg.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The demo: a 7-day backfill of all five raw tables through the tasks' command lines (as the DAG's local runner
 * runs them), against an embedded PostgreSQL, the simulated products API and a partner file drop, with the
 * realities on the way: a run killed mid-way and retried, an API sending duplicates and 429s, the discount column
 * appearing, bad rows in the files, a late commit, a corrected file re-delivered. Ends with a table of table x day
 * and a last line saying whether the warehouse equals the sources' truth.
 */
public final class Demo {
    static final LocalDate FIRST = LocalDate.of(2026, 11, 16);
    static final int DAYS = 7;
    static final LocalDate DISCOUNT_DAY = FIRST.plusDays(1); // a Tuesday
    static final String PASSWORD = "demo-" + Long.toHexString(System.nanoTime());
    static final String TOKEN = "demo-token-" + Long.toHexString(System.nanoTime() * 31);
    static final List<String> DB_TABLES = List.of("customers", "orders", "order_items");

    private final long t0 = System.nanoTime();
    private final Path repo = Path.of("").toAbsolutePath();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private LocalPostgres pg;
    private ProductsApiServer api;
    private PartnerDrop drop;
    private DropManifest manifest;
    private TaskLauncher launcher;

    public static void main(String[] args) throws Exception {
        int exit = new Demo().run();
        System.exit(exit);
    }

    int run() throws Exception {
        Path work = Files.createTempDirectory("shopflow-demo");
        try {
            say("starting embedded PostgreSQL (source `shop` and `warehouse` databases)");
            pg = LocalPostgres.start(0, work.resolve("pg"), PASSWORD);
            say("filling the shop database: 20,000 orders over " + DAYS + " days; each day also gets live change traffic just before it is landed");
            try (Connection c = pg.connect("shop")) {
                ShopDatabase.create(c);
                ShopDatabase.fill(c, new Scale(20_000, 42, FIRST, DAYS));
            }
            api = ProductsApiServer.start(ApiOptions.of(2_000, 42, FIRST, DAYS, TOKEN).withRateLimit(2, Duration.ofSeconds(1))
                    .withFaults(ApiFaults.none().withDuplicates(0.05).withErrors(0.05, 0).withNewFields(true)));
            say("products API on " + api.url() + ": 2,000 products, duplicates, 5% transient 5xx, new fields, and a tight rate limit"
                    + " (2 requests per second, below the client's budget) so that 429s happen");
            drop = new PartnerDrop(work.resolve("drop"), DropOptions.clean(FIRST, DAYS, 42).withSize(3, 400)
                    .with(Fault.GZIP, Fault.DUPLICATES, Fault.REORDERED_COLUMNS, Fault.BAD_ROWS, Fault.TRUNCATED_LAST_LINE,
                            Fault.EMPTY_FILE, Fault.HEADER_ONLY_FILE, Fault.STRAY_FILES).withDiscountFrom(DISCOUNT_DAY));
            manifest = drop.generate();
            say("partner drop in " + work.resolve("drop") + ": 3 files a day (some gzip, reordered columns, bad rows, a truncated last line, stray files), discount column from " + DISCOUNT_DAY);
            launcher = new TaskLauncher(repo, Map.of(
                    "SOURCE_DB_URL", pg.jdbcUrl("shop"), "SOURCE_DB_USER", LocalPostgres.USER, "SOURCE_DB_PASSWORD", PASSWORD,
                    "WAREHOUSE_DB_URL", pg.jdbcUrl("warehouse"), "WAREHOUSE_DB_USER", LocalPostgres.USER, "WAREHOUSE_DB_PASSWORD", PASSWORD,
                    "PRODUCTS_API_URL", api.url(), "PRODUCTS_API_TOKEN", TOKEN, "FILE_DROP_DIR", work.resolve("drop").toString(),
                    "INGEST_LANDING_CHUNK_ROWS", "2000"));
            backfill();
            Proof proof = new Proof(launcher, pg, this::say);
            proof.run(DB_TABLES, start(FIRST.plusDays(DAYS - 1)), start(FIRST.plusDays(DAYS)), start(FIRST.plusDays(2)), start(FIRST.plusDays(3)));
            return report(proof);
        } finally {
            pool.shutdownNow();
            if (api != null) {
                api.close();
            }
            if (pg != null) {
                pg.close();
            }
        }
    }

    private void backfill() throws Exception {
        LateCommit late = null;
        for (int d = 0; d < DAYS; d++) {
            LocalDate day = FIRST.plusDays(d);
            Instant start = start(day);
            Instant end = start(day.plusDays(1));
            try (Connection c = pg.connect("shop")) {
                // New orders and items, status updates that move updated_at into the day, new and edited customers.
                ShopDatabase.playDay(c, day, 42 + d, DayTraffic.ofOrders(400).withDiscount(day.equals(DISCOUNT_DAY)));
            }
            if (day.equals(DISCOUNT_DAY)) {
                say(day + " (" + day.getDayOfWeek() + "): the source gets a new column, orders.discount numeric(12,2)");
            }
            if (d == 1) {
                Connection lc = pg.connect("shop");
                late = ShopDatabase.beginLateCommit(lc, start.plusSeconds(3600), 25);
                say(day + ": a long transaction writes 25 orders dated " + start.plusSeconds(3600) + " and is still open while the day is landed");
            }
            List<Future<String>> runs = new ArrayList<>();
            for (String table : DB_TABLES) {
                if (d == 4 && table.equals("orders")) {
                    continue;
                }
                runs.add(pool.submit(() -> land("extract-db", List.of("--table", table), start, end, "raw." + table)));
            }
            runs.add(pool.submit(() -> land("extract-api", List.of("--resource", "products"), start, end, "raw.products")));
            runs.add(pool.submit(() -> land("land-files", List.of("--feed", "marketplace_orders"), start, end, "raw.marketplace_orders")));
            if (d >= 1) {
                // The DAG re-lands the trailing interval of the database tables to pick up late commits.
                Instant ps = start(day.minusDays(1));
                for (String table : DB_TABLES) {
                    runs.add(pool.submit(() -> land("extract-db", List.of("--table", table), ps, start, "raw." + table + " (re-land of the day before)")));
                }
            }
            for (Future<String> r : runs) {
                say(r.get());
            }
            if (d == 4) {
                killAndRetry(start, end);
            }
            if (d == 1 && late != null) {
                late.commit();
                say(day + ": the long transaction commits now, after its day was landed; tomorrow's re-land of " + day + " picks it up");
            }
            if (d == 2) {
                LocalDate redo = FIRST.plusDays(2);
                DayTruth corrected = drop.redeliver(redo, 1);
                manifest = replace(manifest, corrected);
                say(redo + ": the partner re-delivers a corrected marketplace_orders_" + redo.toString().replace("-", "") + "_01 under the same name");
                say(land("land-files", List.of("--feed", "marketplace_orders"), start(redo), start(redo.plusDays(1)), "raw.marketplace_orders (re-delivery)"));
            }
        }
        // The last day's late-commit window: re-land it once more, as the next scheduled run would.
        Instant ls = start(FIRST.plusDays(DAYS - 1));
        for (String table : DB_TABLES) {
            say(land("extract-db", List.of("--table", table), ls, start(FIRST.plusDays(DAYS)), "raw." + table + " (re-land)"));
        }
    }

    private void killAndRetry(Instant start, Instant end) throws Exception {
        String day = start.toString().substring(0, 10);
        long[] seen = {0};
        TaskLauncher.Outcome killed = launcher.run("extract-db", args(List.of("--table", "orders"), start, end), Map.of("INGEST_LANDING_CHUNK_ROWS", "300"), () -> {
            seen[0] = checkpointRows();
            return seen[0] >= 600;
        });
        say(day + ": extract-db orders SIGKILLed mid-run (exit " + killed.exitCode() + ") with " + seen[0] + " rows checkpointed; the published partition is untouched");
        TaskLauncher.Outcome retry = launcher.run("extract-db", args(List.of("--table", "orders"), start, end), Map.of("INGEST_LANDING_CHUNK_ROWS", "300"));
        say(day + ": retry -> exit " + retry.exitCode() + ", " + retry.field("rows") + " rows landed, " + retry.field("rows_resumed")
                + " taken over from the checkpoint, " + retry.field("rows_read") + " read");
    }

    private long checkpointRows() {
        try (Connection c = pg.connect("warehouse"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CASE WHEN to_regclass('_ingest.checkpoint') IS NULL THEN 0 ELSE "
                     + "(SELECT coalesce(max(rows_staged), 0) FROM _ingest.checkpoint WHERE target = 'raw.orders') END")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0;
        }
    }

    private String land(String module, List<String> what, Instant start, Instant end, String label) throws Exception {
        TaskLauncher.Outcome o = launcher.run(module, args(what, start, end), Map.of());
        int attempts = 1;
        while (!o.ok() && o.exitCode() == 1 && attempts < 3) {
            attempts++;
            o = launcher.run(module, args(what, start, end), Map.of());
        }
        String day = start.toString().substring(0, 10);
        if (!o.ok()) {
            return String.format(Locale.ROOT, "%s: %-45s FAILED exit %d: %s", day, label, o.exitCode(), o.error());
        }
        StringBuilder extra = new StringBuilder();
        if (o.field("duplicates_removed") > 0) {
            extra.append(", ").append(o.field("duplicates_removed")).append(" duplicates removed");
        }
        if (o.field("rate_limited") > 0) {
            extra.append(", ").append(o.field("rate_limited")).append(" x 429 honoured");
        }
        if (o.field("retries") > 0) {
            extra.append(", ").append(o.field("retries")).append(" transient errors retried");
        }
        if (o.field("bad_rows") > 0) {
            extra.append(", ").append(o.field("bad_rows")).append(" bad rows quarantined");
        }
        if (o.field("rows_resumed") > 0) {
            extra.append(", ").append(o.field("rows_resumed")).append(" rows resumed from a checkpoint");
        }
        if (attempts > 1) {
            extra.append(", after ").append(attempts).append(" attempts");
        }
        return String.format(Locale.ROOT, "%s: %-45s %6d rows%s", day, label, o.field("rows"), extra);
    }

    static List<String> argsOf(List<String> what, Instant start, Instant end) {
        return args(what, start, end);
    }

    private static List<String> args(List<String> what, Instant start, Instant end) {
        List<String> a = new ArrayList<>(what);
        a.addAll(List.of("--start", start.atOffset(ZoneOffset.UTC).toString().replace("Z", "+00:00"), "--end",
                end.atOffset(ZoneOffset.UTC).toString().replace("Z", "+00:00")));
        return a;
    }

    private int report(Proof proof) throws Exception {
        List<String> mismatches = new ArrayList<>(proof.mismatches);
        Map<String, Map<LocalDate, String>> cells = new TreeMap<>();
        int checked = proof.checked;
        try (Connection shop = pg.connect("shop"); Connection wh = pg.connect("warehouse")) {
            // Database tables: the latest landed version of every row equals the source as it is now.
            for (String table : DB_TABLES) {
                List<String> cols = TableTruth.columns(shop, table);
                String list = String.join(", ", cols.stream().map(Demo::quote).toList());
                String sum = "count(*) || ':' || coalesce(md5(string_agg(md5(t::text), '' ORDER BY t.id)), 'empty')";
                String source = text(shop, "SELECT " + sum + " FROM (SELECT " + list + " FROM " + quote(table) + " WHERE updated_at >= '"
                        + start(FIRST) + "' AND updated_at < '" + start(FIRST.plusDays(DAYS)) + "') t");
                String landed = text(wh, "SELECT " + sum + " FROM (SELECT DISTINCT ON (id) " + list + " FROM raw." + quote(table)
                        + " ORDER BY id, updated_at DESC, _interval_start DESC) t");
                checked++;
                if (!source.equals(landed)) {
                    mismatches.add(table + ": source now " + source + ", latest landed " + landed);
                } else {
                    System.out.println("truth " + table + ": the latest landed version of each of " + source.split(":")[0]
                            + " rows equals the source (checksum " + source.split(":")[1].substring(0, 8) + ")");
                }
            }
            for (int d = 0; d < DAYS; d++) {
                LocalDate day = FIRST.plusDays(d);
                Instant s = start(day);
                Instant e = start(day.plusDays(1));
                for (String table : DB_TABLES) {
                    cells.computeIfAbsent(table, k -> new TreeMap<>()).put(day, cell(wh, "raw." + table, s, e));
                }
                Set<String> truthIds = new HashSet<>();
                for (Product p : api.truth(s, e)) {
                    truthIds.add(p.id() + "@" + p.updatedAt());
                }
                Set<String> landedIds = new HashSet<>();
                try (PreparedStatement ps = wh.prepareStatement("SELECT id, updated_at FROM raw.products WHERE _interval_start = ? AND _interval_end = ?")) {
                    ps.setTimestamp(1, Timestamp.from(s));
                    ps.setTimestamp(2, Timestamp.from(e));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            landedIds.add(rs.getLong(1) + "@" + rs.getTimestamp(2).toInstant());
                        }
                    }
                } catch (SQLException ex) {
                    mismatches.add("products " + day + ": " + ex.getMessage());
                }
                checked++;
                if (!truthIds.equals(landedIds)) {
                    mismatches.add("products " + day + ": API has " + truthIds.size() + ", landed " + landedIds.size());
                }
                cells.computeIfAbsent("products", k -> new TreeMap<>()).put(day, cell(wh, "raw.products", s, e));
                DayTruth files = manifest.day(day);
                long landedRows = count(wh, "SELECT count(*) FROM raw.marketplace_orders WHERE _interval_start = ? AND _interval_end = ?", s, e);
                long quarantined = count(wh, "SELECT count(*) FROM _ingest.quarantine WHERE target = 'raw.marketplace_orders' AND interval_start = ? AND interval_end = ?", s, e);
                checked++;
                if (landedRows != files.expectedRows() || quarantined != files.badRows()) {
                    mismatches.add("marketplace_orders " + day + ": expected " + files.expectedRows() + " rows / " + files.badRows()
                            + " bad, landed " + landedRows + " / " + quarantined);
                }
                cells.computeIfAbsent("marketplace_orders", k -> new TreeMap<>()).put(day, cell(wh, "raw.marketplace_orders", s, e));
            }
        }
        System.out.println();
        System.out.println("raw table x day: rows / quarantined / attempts / checksum");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-20s", "table"));
        for (int d = 0; d < DAYS; d++) {
            header.append(String.format(Locale.ROOT, " | %-24s", FIRST.plusDays(d)));
        }
        System.out.println(header);
        cells.forEach((table, days) -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-20s", table));
            days.values().forEach(v -> row.append(String.format(Locale.ROOT, " | %-24s", v)));
            System.out.println(row);
        });
        System.out.println();
        try (Connection wh = pg.connect("warehouse"); Statement st = wh.createStatement();
             ResultSet rs = st.executeQuery("SELECT target, version, change, column_name, column_type FROM _ingest.schema_history"
                     + " WHERE change <> 'create' ORDER BY target, version")) {
            while (rs.next()) {
                System.out.printf(Locale.ROOT, "schema history: %s v%d %s %s %s%n", rs.getString(1), rs.getInt(2), rs.getString(3),
                        rs.getString(4), rs.getString(5));
            }
        }
        mismatches.forEach(m -> System.out.println("MISMATCH " + m));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (mismatches.isEmpty()) {
            System.out.printf(Locale.ROOT, "warehouse equals the sources' truth: YES (%d checks, %.0f s)%n", checked, seconds);
            return 0;
        }
        System.out.printf(Locale.ROOT, "warehouse equals the sources' truth: NO (%d of %d checks differ, %.0f s)%n", mismatches.size(), checked, seconds);
        return 1;
    }

    private static String cell(Connection wh, String target, Instant s, Instant e) throws SQLException {
        String table = target.substring(4);
        try (PreparedStatement ps = wh.prepareStatement("""
                SELECT (SELECT count(*) FROM raw.%s WHERE _interval_start = ? AND _interval_end = ?),
                       (SELECT count(*) FROM _ingest.quarantine WHERE target = ? AND interval_start = ? AND interval_end = ?),
                       (SELECT count(*) FROM _ingest.load_run WHERE target = ? AND interval_start = ? AND interval_end = ?),
                       (SELECT left(md5(coalesce(string_agg(md5(t::text), '' ORDER BY t::text), '')), 8) FROM raw.%s t
                          WHERE _interval_start = ? AND _interval_end = ?)""".formatted(quote(table), quote(table)))) {
            int i = 1;
            ps.setTimestamp(i++, Timestamp.from(s));
            ps.setTimestamp(i++, Timestamp.from(e));
            for (int k = 0; k < 2; k++) {
                ps.setString(i++, target);
                ps.setTimestamp(i++, Timestamp.from(s));
                ps.setTimestamp(i++, Timestamp.from(e));
            }
            ps.setTimestamp(i++, Timestamp.from(s));
            ps.setTimestamp(i, Timestamp.from(e));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) + " / " + rs.getLong(2) + " / " + rs.getLong(3) + " / " + rs.getString(4);
            }
        } catch (SQLException ex) {
            return "not landed";
        }
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
            try (ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static long count(Connection c, String sql, Instant s, Instant e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(s));
            ps.setTimestamp(2, Timestamp.from(e));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException ex) {
            return -1;
        }
    }

    private static DropManifest replace(DropManifest m, DayTruth day) {
        List<DayTruth> days = new ArrayList<>(m.days());
        days.replaceAll(d -> d.day().equals(day.day()) ? day : d);
        return new DropManifest(days);
    }

    private static Instant start(LocalDate day) {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private void say(String line) {
        System.out.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - t0) / 1e9, line);
    }
}
