package com.shopflow.ingest.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run costs besides its rows (issue 17), each against its physical baseline in the same run, in alternating
 * rounds with medians:
 * <ul>
 *   <li>{@code fixed}: a 10,000-row day, as the JVM image runs it (its options and an AppCDS archive made the way its
 *       Dockerfile makes it), without the archive, and as plain {@code java -jar}; against the psql COPY pipe.</li>
 *   <li>{@code range}: two years of daily partitions in one run ({@code --every P1D}) against the same rows as one
 *       interval and against the psql pipe, and the server-side floor of creating and attaching that many partitions.</li>
 *   <li>{@code history}: a 100,000-row day from a table of only that day against the same day from a table with millions
 *       of rows of history: the incremental cost must not grow with the table.</li>
 * </ul>
 */
final class RunCostBenchmark {
    /** The ENTRYPOINT options of docker/extract-db.jvm.Dockerfile. */
    static final List<String> IMAGE_OPTIONS = List.of("-XX:MaxRAMPercentage=75.0", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    static final Instant RANGE_START = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant RANGE_END = Instant.parse("2026-01-01T00:00:00Z");

    private final Benchmark b;
    private final ObjectMapper json = new ObjectMapper();

    RunCostBenchmark(Benchmark b) {
        this.b = b;
    }

    void fixedCost() throws Exception {
        int n = 10_000;
        String src = "rc_fixed_src";
        String wh = "rc_fixed_wh";
        createOrders(src, n, Benchmark.START, Duration.ofDays(1));
        b.pg.createDatabase(wh);
        plainOrders(wh);
        List<String> cds = helpArchive();
        String[] day = {"--table", "orders", "--start", Benchmark.START.toString(), "--end", Benchmark.END.toString()};
        // Untimed: the first run makes the bookkeeping schema and the raw table, which a daily run finds in place.
        checked(task(cds, src, wh, day));
        Map<String, List<Double>> t = new LinkedHashMap<>();
        List<Double> inProcess = new ArrayList<>();
        for (int r = 0; r < b.rounds; r++) {
            t.computeIfAbsent("psql COPY pipe", k -> new ArrayList<>()).add(pipe(src, wh, Benchmark.START, Benchmark.END));
            Measured image = task(cds, src, wh, day);
            t.computeIfAbsent("extract-db, the JVM image's options and AppCDS archive", k -> new ArrayList<>()).add(image.seconds());
            inProcess.add(json.readTree(image.lastLine()).get("timings").get("duration_ms").asDouble() / 1000);
            t.computeIfAbsent("extract-db, the image's options without the archive", k -> new ArrayList<>())
                    .add(task(IMAGE_OPTIONS, src, wh, day).seconds());
            t.computeIfAbsent("extract-db, plain `java -jar` (JVM defaults)", k -> new ArrayList<>()).add(task(List.of(), src, wh, day).seconds());
            t.computeIfAbsent("`extract-db --help`, the image's options and archive (JVM and Quarkus start, exit)", k -> new ArrayList<>())
                    .add(Measured.run(b.taskCommand(cds, "extract-db", "--help"), Map.of()).seconds());
        }
        List<String> r = b.report;
        r.add("");
        r.add("## Fixed cost: a 10,000-row day of orders");
        r.add("");
        r.add("Wall time of one run (process start to exit) against the psql COPY pipe of the same rows. The AppCDS archive is made"
                + " as docker/extract-db.jvm.Dockerfile makes it (one `--help` start with `-XX:ArchiveClassesAtExit`), by this JVM"
                + " (the image's is JDK 21). " + b.rounds + " alternating rounds, medians.");
        r.add("");
        r.add("| run | median s | vs psql pipe |");
        r.add("|---|---:|---:|");
        double pipe = Benchmark.median(t.get("psql COPY pipe"));
        t.forEach((k, v) -> r.add(String.format(Locale.ROOT, "| %s | %.2f | %.1fx |", k, Benchmark.median(v), Benchmark.median(v) / pipe)));
        r.add("");
        r.add(String.format(Locale.ROOT, "Of the image's run, %.2f s are the task's own work (the summary's `duration_ms`: connections, catalog"
                + " check, raw-table schema, lock, ledger, staging, publish); the rest is JVM and Quarkus start-up and exit.",
                Benchmark.median(inProcess)));
        b.print();
        b.drop(src);
        b.drop(wh);
    }

    void range() throws Exception {
        long n = 2_000_000;
        String src = "rc_range_src";
        String pipeWh = "rc_range_pipe";
        createOrders(src, n, RANGE_START, Duration.between(RANGE_START, RANGE_END));
        b.pg.createDatabase(pipeWh);
        plainOrders(pipeWh);
        long days = Duration.between(RANGE_START, RANGE_END).toDays();
        String[] one = {"--table", "orders", "--start", RANGE_START.toString(), "--end", RANGE_END.toString()};
        String[] every = {"--table", "orders", "--start", RANGE_START.toString(), "--end", RANGE_END.toString(), "--every", "P1D"};
        List<Double> pipes = new ArrayList<>();
        List<Measured> ones = new ArrayList<>();
        List<Measured> everys = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        Map<String, List<CpuTime>> cpu = Map.of("one", new ArrayList<>(), "every", new ArrayList<>(), "floor", new ArrayList<>());
        long postmaster = b.pg.postmasterPid();
        for (int r = 0; r < b.rounds; r++) {
            pipes.add(pipe(src, pipeWh, RANGE_START, RANGE_END));
            b.pg.createDatabase("rc_range_wh");
            ones.add(CpuTime.during(postmaster, cpu.get("one"), () -> checked(task(Benchmark.JVM_OPTIONS, src, "rc_range_wh", one))));
            b.pg.createDatabase("rc_range_wh");
            everys.add(CpuTime.during(postmaster, cpu.get("every"), () -> checked(task(Benchmark.JVM_OPTIONS, src, "rc_range_wh", every))));
            floors.add(CpuTime.during(postmaster, cpu.get("floor"), () -> ddlFloor(days)));
        }
        JsonNode summary = json.readTree(Measured.median(everys).lastLine());
        double pipe = Benchmark.median(pipes);
        double o = Measured.median(ones).seconds();
        double e = Measured.median(everys).seconds();
        double floor = Benchmark.median(floors);
        List<String> r = b.report;
        r.add("");
        r.add("## Multi-partition load: two years of days in one run");
        r.add("");
        r.add(String.format(Locale.ROOT, "%,d orders spread over [%s, %s): %d daily partitions of about %,d rows. extract-db with the"
                + " image's options (`%s`), each run into a fresh warehouse; %d alternating rounds, medians.", n, RANGE_START, RANGE_END,
                days, n / days, String.join(" ", Benchmark.JVM_OPTIONS), b.rounds));
        r.add("");
        int cores = Runtime.getRuntime().availableProcessors();
        r.add("| run | median s | vs one interval | vs psql pipe | client CPU s | server CPU s | CPU / " + cores + " cores s |");
        r.add("|---|---:|---:|---:|---:|---:|---:|");
        r.add(String.format(Locale.ROOT, "| psql COPY pipe, one interval | %.2f | | 1.00 | | | |", pipe));
        r.add(String.format(Locale.ROOT, "| extract-db, one interval | %.2f | 1.00 | %.2f | %s |", o, o / pipe, cpuCells(cpu.get("one"), cores)));
        r.add(String.format(Locale.ROOT, "| extract-db `--every P1D` (%d partitions, %d landed) | %.2f | %.2f | %.2f | %s |", days,
                summary.get("details").get("partition_outcomes").path("landed").asLong(), e, e / o, e / pipe, cpuCells(cpu.get("every"), cores)));
        r.add(String.format(Locale.ROOT, "| server-side floor: %d x (CREATE TABLE LIKE + CHECK + ATTACH PARTITION + COMMIT) in one"
                + " PL/pgSQL loop, no rows | %.2f | | | %s |", days, floor, cpuCells(cpu.get("floor"), cores)));
        r.add("");
        double perPartitionServer = (CpuTime.median(cpu.get("every"), CpuTime::server) - CpuTime.median(cpu.get("one"), CpuTime::server)) * 1000 / days;
        double perPartitionClient = (CpuTime.median(cpu.get("every"), CpuTime::children) - CpuTime.median(cpu.get("one"), CpuTime::children)) * 1000 / days;
        r.add(String.format(Locale.ROOT, "Per partition, the range costs %.1f ms more than its share of one interval; the server alone needs"
                + " %.1f ms to create, constrain, attach and commit a partition table next to the others (the floor row). In CPU, a"
                + " partition costs the server %.1f ms and the task %.1f ms more than its share of one interval. CPU is read from /proc:"
                + " the task's process, and the server's postmaster with its finished backends; when the last column is near the wall"
                + " time, the run was bound by the cores, not by waiting.", (e - o) * 1000 / days, floor * 1000 / days, perPartitionServer,
                perPartitionClient));
        b.print();
        b.drop(src);
        b.drop(pipeWh);
        b.drop("rc_range_wh");
    }

    /** Medians of client and server CPU, and their sum shared over the cores: the wall time a run bound by CPU needs at least. */
    private static String cpuCells(List<CpuTime> runs, int cores) {
        double client = CpuTime.median(runs, CpuTime::children);
        double server = CpuTime.median(runs, CpuTime::server);
        return String.format(Locale.ROOT, "%.2f | %.2f | %.2f", client, server, (client + server) / cores);
    }

    /** Seconds the server takes to make {@code count} partition tables the way a publish does, without any client round trip. */
    private double ddlFloor(long count) throws Exception {
        String db = "rc_range_floor";
        b.pg.createDatabase(db);
        b.sql(db, "CREATE TABLE t (id bigint, customer_id bigint, status text, currency char(3), total_amount numeric(12,2), placed_at"
                + " timestamptz, created_at timestamptz, updated_at timestamptz, _interval_start timestamptz NOT NULL, _interval_end"
                + " timestamptz NOT NULL) PARTITION BY RANGE (_interval_start, _interval_end)");
        String loop = "DO $$ DECLARE d timestamptz := '" + RANGE_START + "'; BEGIN FOR i IN 1.." + count + " LOOP"
                + " EXECUTE format('CREATE TABLE p%s (LIKE t)', i);"
                + " EXECUTE format('ALTER TABLE p%s ADD CONSTRAINT b CHECK (_interval_start = %L AND _interval_end = %L)', i, d, d + interval '1 day');"
                + " EXECUTE format('ALTER TABLE t ATTACH PARTITION p%s FOR VALUES FROM (%L, %L) TO (%L, %L)', i, d, d + interval '1 day',"
                + " d, d + interval '1 day' + interval '1 microsecond');"
                + " COMMIT; d := d + interval '1 day'; END LOOP; END $$";
        Measured m = Measured.run(List.of("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "localhost", "-p", Integer.toString(b.pg.port()),
                "-U", "postgres", "-d", db, "-c", loop), Map.of("PGPASSWORD", BenchServer.PASSWORD));
        if (m.exitCode() != 0) {
            throw new IllegalStateException("the partition DDL loop failed");
        }
        b.drop(db);
        return m.seconds();
    }

    void history() throws Exception {
        long day = 100_000;
        long history = 8_000_000;
        String small = "rc_hist_small";
        String big = "rc_hist_big";
        createOrders(small, day, Benchmark.START, Duration.ofDays(1));
        // The same day's rows (same ids, same values) after two years of history with other ids.
        Instant from = Benchmark.START.minus(Duration.ofDays(730));
        createOrders(big, day, Benchmark.START, Duration.ofDays(1));
        b.sql(big, "INSERT INTO orders SELECT g, 1 + (g * 7919) % 400000, 'delivered', 'EUR', (g % 100000) / 100.0, ts, ts, ts FROM"
                + " (SELECT g, '" + from + "'::timestamptz + (g - " + (day + 1) + ") * (interval '730 days' / " + (history - day) + ") AS ts"
                + " FROM generate_series(" + (day + 1) + "::bigint, " + history + ") g) x");
        b.sql(big, "VACUUM ANALYZE orders");
        for (String db : List.of(small, big)) {
            b.pg.createDatabase(db + "_wh");
            plainOrders(db + "_wh");
        }
        String[] args = {"--table", "orders", "--start", Benchmark.START.toString(), "--end", Benchmark.END.toString()};
        Map<String, List<Double>> t = new LinkedHashMap<>();
        for (String db : List.of(small, big)) {
            checked(task(Benchmark.JVM_OPTIONS, db, db + "_wh", args)); // untimed: makes the bookkeeping schema
        }
        for (int r = 0; r < b.rounds; r++) {
            for (String db : List.of(small, big)) {
                t.computeIfAbsent("pipe " + db, k -> new ArrayList<>()).add(pipe(db, db + "_wh", Benchmark.START, Benchmark.END));
                t.computeIfAbsent("task " + db, k -> new ArrayList<>()).add(checked(task(Benchmark.JVM_OPTIONS, db, db + "_wh", args)).seconds());
            }
        }
        double ps = Benchmark.median(t.get("pipe " + small));
        double pb = Benchmark.median(t.get("pipe " + big));
        double ts = Benchmark.median(t.get("task " + small));
        double tb = Benchmark.median(t.get("task " + big));
        List<String> r = b.report;
        r.add("");
        r.add("## History size: one day from a small and from a large table");
        r.add("");
        r.add(String.format(Locale.ROOT, "The same %,d-row day (index on `updated_at`) from a table of only that day and from one with"
                + " %,d rows in all (two years of history before it); %d alternating rounds, medians.", day, history, b.rounds));
        r.add("");
        r.add("| run | from the 0.1M-row table s | from the " + history / 1_000_000 + "M-row table s | ratio |");
        r.add("|---|---:|---:|---:|");
        r.add(String.format(Locale.ROOT, "| psql COPY pipe | %.2f | %.2f | %.2f |", ps, pb, pb / ps));
        r.add(String.format(Locale.ROOT, "| extract-db | %.2f | %.2f | %.2f |", ts, tb, tb / ts));
        b.print();
        for (String db : List.of(small, big)) {
            b.drop(db);
            b.drop(db + "_wh");
        }
    }

    /** The AppCDS archive as the JVM image's Dockerfile makes it, with the image's options. */
    private List<String> helpArchive() throws Exception {
        return b.withImageArchive(IMAGE_OPTIONS, "extract-db");
    }

    private Measured task(List<String> jvm, String src, String wh, String... args) throws Exception {
        return Measured.run(b.taskCommand(jvm, "extract-db", args), b.env(src, wh));
    }

    private static Measured checked(Measured m) {
        if (m.exitCode() != 0) {
            throw new IllegalStateException("extract-db failed: " + m.stdout());
        }
        return m;
    }

    /** {@code n} orders with updated_at spread evenly over [from, from + span), indexed on updated_at as a source is. */
    private void createOrders(String db, long n, Instant from, Duration span) throws Exception {
        b.pg.createDatabase(db);
        b.sql(db, """
                CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, currency char(3) NOT NULL,
                  total_amount numeric(12,2) NOT NULL, placed_at timestamptz NOT NULL, created_at timestamptz NOT NULL,
                  updated_at timestamptz NOT NULL)""");
        b.sql(db, "INSERT INTO orders SELECT g, 1 + (g * 7919) % " + Math.max(1, n / 5) + ", (ARRAY['new','paid','shipped','delivered',"
                + "'cancelled'])[1 + g % 5], (ARRAY['EUR','USD','GBP'])[1 + g % 3], ((g * 7907) % 1000000) / 100.0, ts - interval '3 hours',"
                + " ts - interval '3 hours', ts FROM (SELECT g, '" + from + "'::timestamptz + (g - 1) * (interval '" + span.toSeconds()
                + " s' / " + n + ") AS ts FROM generate_series(1::bigint, " + n + ") g) x");
        b.sql(db, "CREATE INDEX ON orders (updated_at)");
        b.sql(db, "VACUUM ANALYZE orders");
    }

    private void plainOrders(String wh) throws Exception {
        b.sql(wh, "CREATE TABLE plain_orders (id bigint, customer_id bigint, status text, currency char(3), total_amount numeric(12,2),"
                + " placed_at timestamptz, created_at timestamptz, updated_at timestamptz, _interval_start timestamptz, _interval_end timestamptz)");
    }

    /** The physical baseline: PostgreSQL's own COPY of the rows of [s, e), piped through psql from source to warehouse. */
    private double pipe(String src, String wh, Instant s, Instant e) throws Exception {
        b.sql(wh, "TRUNCATE plain_orders");
        String select = "select " + Benchmark.ORDER_COLUMNS + ", '" + s + "'::timestamptz, '" + e + "'::timestamptz from orders where updated_at >= '"
                + s + "' and updated_at < '" + e + "'";
        String psql = "psql -X -q -h localhost -p " + b.pg.port() + " -U postgres -d ";
        String cmd = psql + src + " -c \"\\copy (" + select + ") to stdout\" | " + psql + wh + " -c \"\\copy plain_orders from stdin\"";
        Measured m = Measured.run(List.of("bash", "-o", "pipefail", "-c", cmd), Map.of("PGPASSWORD", BenchServer.PASSWORD));
        if (m.exitCode() != 0) {
            throw new IllegalStateException("psql pipe failed (is psql installed?)");
        }
        return m.seconds();
    }
}
