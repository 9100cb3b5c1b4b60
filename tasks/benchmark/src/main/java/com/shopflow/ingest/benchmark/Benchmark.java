package com.shopflow.ingest.benchmark;

import com.shopflow.ingest.core.pg.Identifiers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark report: extract-db and land-files against the physical limit of this machine, PostgreSQL's own COPY
 * through psql between the same databases, measured in the same run; extract-api against the API's rate limit
 * ({@link ApiBenchmark}); Sling and dlt on the same workloads ({@link PeerBenchmark}). Prints a Markdown report and
 * writes it to tasks/benchmark/RESULTS.md once at the end; a run of only some sections writes
 * tasks/benchmark/target/RESULTS-<sections>.md instead (a failed run RESULTS-incomplete.md), so that it never replaces
 * the full report.
 *
 * <p>Run: {@code ./mvnw -B -Pbenchmark package -DskipTests}, or with {@code -Dbenchmark.args="..."}:
 * {@code --sections=fixed,range,history,db,files,api,peers --sizes=1000000 --file-sizes=1000000 --api-products=10000
 * --peer-sizes=1000000 --rounds=3 --postgres-bin=/usr/lib/postgresql/15/bin}. Each comparison runs its candidates in
 * alternating rounds and reports medians, so a machine that slows down during the run slows both sides alike.
 */
public final class Benchmark {
    static final Instant START = Instant.parse("2026-11-23T00:00:00Z");
    static final Instant END = Instant.parse("2026-11-24T00:00:00Z");
    /** The JVM options of the JVM image's ENTRYPOINT (docker/*.jvm.Dockerfile), with the heap capped as a pod limit would. */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m");
    /** land-files' image keeps C2 (docker/land-files.jvm.Dockerfile): it parses and hashes every byte itself. */
    static final List<String> FILES_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx128m");
    static final String ORDER_COLUMNS = "id, customer_id, status, currency, total_amount, placed_at, created_at, updated_at";

    static final List<String> SECTIONS = List.of("fixed", "range", "history", "db", "files", "api", "peers");

    final BenchServer pg;
    /** Rounds of each alternating comparison; medians are reported. */
    final int rounds;

    Benchmark(BenchServer pg, int rounds) {
        this.pg = pg;
        this.rounds = rounds;
    }
    final List<String> report = new ArrayList<>();
    final Path repo = Path.of("").toAbsolutePath();

    public static void main(String[] args) throws Exception {
        long[] sizes = {1_000_000, 2_000_000, 4_000_000};
        long[] fileSizes = {1_000_000, 4_000_000};
        long[] apiProducts = {10_000};
        long[] peerSizes = {1_000_000};
        List<String> sections = SECTIONS;
        int rounds = 3;
        Path postgresBin = null;
        // Maven passes -Dbenchmark.args as one argument: split it here.
        for (String a : String.join(" ", args).trim().split("\\s+")) {
            String value = a.substring(a.indexOf('=') + 1);
            if (a.startsWith("--sizes=")) {
                sizes = longs(value);
            } else if (a.startsWith("--file-sizes=")) {
                fileSizes = longs(value);
            } else if (a.startsWith("--api-products=")) {
                apiProducts = longs(value);
            } else if (a.startsWith("--peer-sizes=")) {
                peerSizes = longs(value);
            } else if (a.startsWith("--rounds=")) {
                rounds = Integer.parseInt(value);
            } else if (a.startsWith("--postgres-bin=")) {
                postgresBin = Path.of(value);
            } else if (a.startsWith("--sections=")) {
                sections = List.of(value.split(","));
                if (!SECTIONS.containsAll(sections)) {
                    throw new IllegalArgumentException("--sections takes some of " + SECTIONS + ", not " + sections);
                }
            } else if (!a.isEmpty()) {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        Benchmark b = new Benchmark(postgresBin == null ? BenchServer.embedded() : BenchServer.fromBinaries(postgresBin), rounds);
        b.header();
        boolean complete = false;
        long began = System.nanoTime();
        try {
            if (sections.contains("fixed")) {
                new RunCostBenchmark(b).fixedCost();
            }
            if (sections.contains("range")) {
                new RunCostBenchmark(b).range();
            }
            if (sections.contains("history")) {
                new RunCostBenchmark(b).history();
            }
            if (sections.contains("db")) {
                b.run(sizes);
            }
            if (sections.contains("files")) {
                b.files(fileSizes);
            }
            if (sections.contains("api")) {
                new ApiBenchmark(b).run(apiProducts);
            }
            if (sections.contains("peers")) {
                new PeerBenchmark(b).run(peerSizes);
            }
            complete = true;
            b.report.add("");
            b.report.add(String.format(Locale.ROOT, "The run took %.1f minutes.", (System.nanoTime() - began) / 60e9));
        } finally {
            // A failure late in a long run keeps what was measured, without replacing the last full report.
            b.write(complete ? String.join("-", sections) : "incomplete", complete && sections.containsAll(SECTIONS));
        }
        System.exit(0);
    }

    private static long[] longs(String csv) {
        return java.util.Arrays.stream(csv.split(",")).filter(x -> !x.isBlank()).mapToLong(Long::parseLong).toArray();
    }

    void header() throws SQLException {
        report.add("# Benchmark results");
        report.add("");
        report.add("Machine: " + Runtime.getRuntime().availableProcessors() + " cores, "
                + Math.round(memTotalGb()) + " GiB, " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + "; JVM " + Runtime.version() + "; PostgreSQL " + serverVersion() + " (" + pg.kind() + "; source and warehouse databases on"
                + " one server, fsync off). Run at " + LocalDateTime.now().withNano(0) + "; load average at the start "
                + loadAverage() + ". Every comparison: " + rounds + " alternating rounds, medians.");
    }

    /** The whole report, once: RESULTS.md when every section ran, else a file of its own under target/. */
    void write(String name, boolean full) throws java.io.IOException {
        Path out = full ? repo.resolve("tasks/benchmark/RESULTS.md") : repo.resolve("tasks/benchmark/target/RESULTS-" + name + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", report) + "\n");
        System.out.println("Report written to " + repo.relativize(out));
    }

    /** land-files against psql's \copy of the same CSV file into a plain text table, in the same run. */
    void files(long[] sizes) throws Exception {
        if (sizes.length == 0) {
            return;
        }
        report.add("");
        report.add("## land-files: one CSV file, drop to warehouse");
        report.add("");
        report.add("Baseline: `psql -c \"\\copy plain_text_table from FILE csv header\"` of the same file in the same run."
                + " land-files: `java " + String.join(" ", FILES_JVM_OPTIONS) + " -XX:SharedArchiveFile=... -jar quarkus-run.jar --feed"
                + " marketplace_orders ...` (the options of its JVM image, with an AppCDS archive made as its Dockerfile makes it; SHA-256"
                + " of the file, RFC 4180 parse with strict UTF-8, quarantine checks, staging, one-row-per-order_ref search, publish),"
                + " wall time including JVM start-up. Each round lands the same file again into the same warehouse (a re-land: the"
                + " partition and raw_current rows are replaced). Alternating rounds, medians.");
        report.add("");
        report.add("| rows | file MB | psql \\copy s | psql rows/s | psql \\copy, raw's columns s | land-files s | land-files rows/s | ratio"
                + " | ratio to raw's columns | peak RSS MB |");
        report.add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Path root = Files.createTempDirectory("bench-drop");
        List<String> jvm = withImageArchive(FILES_JVM_OPTIONS, "land-files");
        for (long n : sizes) {
            Path day = root.resolve("marketplace_orders/2026-11-23");
            Files.createDirectories(day);
            Path csv = day.resolve("marketplace_orders_20261123_01.csv");
            PeerBenchmark.writeCsv(csv, n);
            Files.writeString(day.resolve("_DONE"), "");
            String wh = "bench_files_" + n;
            pg.createDatabase(wh);
            Map<String, String> env = new HashMap<>(pg.env("WAREHOUSE_DB", wh));
            env.put("FILE_DROP_DIR", root.toString());
            env.put("INGEST_FILES_RELAND_UNCHANGED", "true");
            List<Double> bases = new ArrayList<>();
            List<Double> shaped = new ArrayList<>();
            List<Measured> runs = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                bases.add(psqlCopyFile(wh, csv));
                shaped.add(psqlCopyShaped(wh, csv));
                Measured m = Measured.run(taskCommand(jvm, "land-files", "--feed", "marketplace_orders", "--start", START.toString(), "--end",
                        END.toString()), env);
                if (m.exitCode() != 0) {
                    throw new IllegalStateException("land-files failed: " + m.stdout());
                }
                runs.add(m);
            }
            double base = median(bases);
            double sameColumns = median(shaped);
            Measured best = Measured.median(runs);
            report.add(String.format(Locale.ROOT, "| %,d | %.0f | %.2f | %,.0f | %.2f | %.2f | %,.0f | %.2f | %.2f | %.0f |", n,
                    Files.size(csv) / 1e6, base, n / base, sameColumns, best.seconds(), n / best.seconds(), base / best.seconds(),
                    sameColumns / best.seconds(), best.peakRssKb() / 1024.0));
            print();
            Files.delete(csv);
            drop(wh);
        }
        report.add("");
        report.add("Staging runs on two connections at once (`INGEST_LANDING_LANES`), so both server backends parse; psql's \\copy"
                + " loads only the seven text columns, while land-files also writes each row's `_source_file`, `_source_line` and"
                + " interval columns, digests and checks every byte, and keeps one row per order_ref. The column \"raw's columns\" is"
                + " psql's \\copy of the same file into a table shaped like the raw partition, its four metadata columns filled by"
                + " constant defaults of the same widths: the server's share of writing what land-files writes.");
    }

    /** One {@code psql \copy} of the CSV file into a plain table of text columns in database {@code wh}. */
    double psqlCopyFile(String wh, Path csv) throws Exception {
        sql(wh, "CREATE TABLE IF NOT EXISTS plain_text (order_ref text, ordered_at text, customer_email text, sku text, quantity text,"
                + " unit_price text, currency text)");
        sql(wh, "TRUNCATE plain_text");
        return psqlCopy(wh, "\\copy plain_text from '" + csv + "' csv header");
    }

    /** Seconds of one {@code psql -c command} on database {@code wh}. */
    private double psqlCopy(String wh, String command) throws Exception {
        Measured m = Measured.run(List.of("psql", "-X", "-q", "-h", "localhost", "-p", Integer.toString(pg.port()), "-U", "postgres",
                "-d", wh, "-c", command), Map.of("PGPASSWORD", BenchServer.PASSWORD));
        if (m.exitCode() != 0) {
            throw new IllegalStateException("psql \\copy failed (is psql installed?)");
        }
        return m.seconds();
    }

    /**
     * One {@code psql \copy} of the CSV file into a table of raw.marketplace_orders' columns, the metadata ones filled by
     * constant defaults as wide as land-files' values (the file's name, a line number, the interval).
     */
    double psqlCopyShaped(String wh, Path csv) throws Exception {
        String relative = csv.getParent().getFileName().resolve(csv.getFileName()).toString();
        sql(wh, "CREATE TABLE IF NOT EXISTS shaped_text (order_ref text, ordered_at text, customer_email text, sku text, quantity text,"
                + " unit_price text, currency text, _source_file text COLLATE \"C\" DEFAULT " + Identifiers.literal(relative)
                + ", _source_line bigint DEFAULT 0, _interval_start timestamptz NOT NULL DEFAULT " + Identifiers.literal(START.toString())
                + ", _interval_end timestamptz NOT NULL DEFAULT " + Identifiers.literal(END.toString()) + ")");
        sql(wh, "TRUNCATE shaped_text");
        return psqlCopy(wh, "\\copy shaped_text (order_ref, ordered_at, customer_email, sku, quantity, unit_price, currency) from '" + csv
                + "' csv header");
    }

    void run(long[] sizes) throws Exception {
        if (sizes.length == 0) {
            return;
        }
        report.add("");
        report.add("## extract-db: orders, source to warehouse");
        report.add("");
        report.add("Baseline: `psql -c \"\\copy (select ...) to stdout\" | psql -c \"\\copy plain_table from stdin\"` (text format) between"
                + " the same databases, same rows, in the same run. extract-db: `java " + String.join(" ", JVM_OPTIONS)
                + " -jar quarkus-run.jar --table orders ...` (the JVM image's options), wall time including JVM start-up;"
                + " the two alternate, " + rounds + " rounds, medians;"
                + " peak RSS is the process' VmHWM. The two CPU columns are the medians of client and server CPU together (from /proc: the"
                + " processes run, and the server's postmaster with its finished backends). The last two columns are one run with the"
                + " JVM's default options (G1, heap up to 1/4 of RAM).");
        report.add("");
        report.add("| rows | psql pipe s | psql rows/s | extract-db s | extract-db rows/s | ratio | psql pipe CPU s | extract-db CPU s | peak RSS MB"
                + " | start-up to first query s | default JVM s | default JVM RSS MB |");
        report.add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        Map<Long, Long> rss = new HashMap<>();
        long postmaster = pg.postmasterPid();
        for (long n : sizes) {
            String src = "bench_src_" + n;
            String wh = "bench_wh_" + n;
            fill(src, wh, n);
            List<Double> bases = new ArrayList<>();
            List<Measured> runs = new ArrayList<>();
            List<CpuTime> baseCpu = new ArrayList<>();
            List<CpuTime> runCpu = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                bases.add(CpuTime.during(postmaster, baseCpu, () -> psqlPipe(src, wh)));
                Measured m = CpuTime.during(postmaster, runCpu, () -> extractDb(src, wh));
                if (m.exitCode() != 0) {
                    throw new IllegalStateException("extract-db failed: " + m.stdout());
                }
                runs.add(m);
            }
            double base = median(bases);
            Measured best = Measured.median(runs);
            double startup = startupToFirstQuery(src, wh);
            rss.put(n, best.peakRssKb());
            Measured plain = Measured.run(taskCommand(List.of(), "extract-db", "--table", "orders", "--start", START.toString(), "--end",
                    END.toString()), env(src, wh));
            report.add(String.format(Locale.ROOT, "| %,d | %.2f | %,.0f | %.2f | %,.0f | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %.0f |", n, base,
                    n / base, best.seconds(), n / best.seconds(), base / best.seconds(), CpuTime.median(baseCpu, CpuTime::total),
                    CpuTime.median(runCpu, CpuTime::total),
                    best.peakRssKb() / 1024.0, startup, plain.seconds(), plain.peakRssKb() / 1024.0));
            print();
            if (n == sizes[sizes.length - 1]) {
                killAndResume(src, wh, n);
            }
            drop(src);
            drop(wh);
        }
        if (rss.size() > 1) {
            long min = rss.values().stream().mapToLong(Long::longValue).min().orElse(1);
            long max = rss.values().stream().mapToLong(Long::longValue).max().orElse(1);
            report.add("");
            report.add(String.format(Locale.ROOT, "Memory across sizes: peak RSS from %.0f MB to %.0f MB (%.1f%% apart).", min / 1024.0,
                    max / 1024.0, 100.0 * (max - min) / min));
        }
        print();
    }

    void print() {
        System.out.println(String.join("\n", report));
        System.out.println();
    }

    void fill(String src, String wh, long n) throws SQLException {
        pg.createDatabase(src);
        pg.createDatabase(wh);
        sql(src, """
                CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, currency char(3) NOT NULL,
                  total_amount numeric(12,2) NOT NULL, placed_at timestamptz NOT NULL, created_at timestamptz NOT NULL,
                  updated_at timestamptz NOT NULL)""");
        sql(src, "INSERT INTO orders SELECT g, 1 + (g * 7919) % " + Math.max(1, n / 5) + ", (ARRAY['new','paid','shipped','delivered','cancelled'])[1 + g % 5], "
                + "(ARRAY['EUR','USD','GBP'])[1 + g % 3], ((g * 7907) % 1000000) / 100.0, ts - interval '3 hours', ts - interval '3 hours', ts "
                + "FROM (SELECT g, '" + START + "'::timestamptz + g * (interval '86399 s' / " + n + ") AS ts FROM generate_series(1::bigint, " + n + ") g) x");
        sql(src, "CREATE INDEX ON orders (updated_at)");
        sql(src, "VACUUM ANALYZE orders");
        sql(wh, "CREATE TABLE plain_orders (" + "id bigint, customer_id bigint, status text, currency char(3), total_amount numeric(12,2), "
                + "placed_at timestamptz, created_at timestamptz, updated_at timestamptz, _interval_start timestamptz, _interval_end timestamptz)");
    }

    double psqlPipe(String src, String wh) throws Exception {
        sql(wh, "TRUNCATE plain_orders");
        String select = "select " + ORDER_COLUMNS + ", '" + START + "'::timestamptz, '" + END + "'::timestamptz from orders where updated_at >= '"
                + START + "' and updated_at < '" + END + "'";
        String cmd = "psql -X -q -h localhost -p " + pg.port() + " -U postgres -d " + src + " -c \"\\copy (" + select + ") to stdout\" | "
                + "psql -X -q -h localhost -p " + pg.port() + " -U postgres -d " + wh + " -c \"\\copy plain_orders from stdin\"";
        Measured m = Measured.run(List.of("bash", "-o", "pipefail", "-c", cmd), Map.of("PGPASSWORD", BenchServer.PASSWORD));
        if (m.exitCode() != 0) {
            throw new IllegalStateException("psql pipe failed (is psql installed?)");
        }
        return m.seconds();
    }

    Measured extractDb(String src, String wh) throws Exception {
        return Measured.run(taskCommand("extract-db", "--table", "orders", "--start", START.toString(), "--end", END.toString()), env(src, wh));
    }

    List<String> taskCommand(String module, String... args) {
        return taskCommand(JVM_OPTIONS, module, args);
    }

    /**
     * {@code jvmOptions} with the AppCDS archive the module's JVM image makes at build time (one {@code --help} start with
     * those options and {@code -XX:ArchiveClassesAtExit}), made here by this JVM.
     */
    List<String> withImageArchive(List<String> jvmOptions, String module) throws Exception {
        Path jsa = repo.resolve("tasks/benchmark/target/" + module + "-help.jsa");
        Files.createDirectories(jsa.getParent());
        Files.deleteIfExists(jsa);
        List<String> make = new ArrayList<>(jvmOptions);
        make.add("-XX:ArchiveClassesAtExit=" + jsa);
        Measured m = Measured.run(taskCommand(make, module, "--help"), Map.of());
        if (m.exitCode() != 0 || !Files.exists(jsa)) {
            throw new IllegalStateException("could not make the AppCDS archive " + jsa);
        }
        List<String> use = new ArrayList<>(jvmOptions);
        use.add("-XX:SharedArchiveFile=" + jsa);
        return use;
    }

    List<String> taskCommand(List<String> jvmOptions, String module, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", repo.resolve("tasks/" + module + "/target/quarkus-app/quarkus-run.jar").toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Map<String, String> env(String src, String wh) {
        Map<String, String> env = new HashMap<>(pg.env("SOURCE_DB", src));
        env.putAll(pg.env("WAREHOUSE_DB", wh));
        return env;
    }

    /** Seconds from process start to the log line printed just before the first source query. */
    double startupToFirstQuery(String src, String wh) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(taskCommand("extract-db", "--table", "orders", "--start", START.toString(), "--end",
                START.plusSeconds(1).toString()));
        pb.environment().putAll(env(src, wh));
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        double at = -1;
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (at < 0 && line.contains("connecting to the source")) {
                    at = (System.nanoTime() - t0) / 1e9;
                }
            }
        }
        p.waitFor();
        return at;
    }

    void killAndResume(String src, String wh, long n) throws Exception {
        sql(src, "UPDATE orders SET status = 'refunded' WHERE id % 1000 = 0");
        Map<String, String> env = env(src, wh);
        ProcessBuilder pb = new ProcessBuilder(taskCommand("extract-db", "--table", "orders", "--start", START.toString(), "--end", END.toString()));
        pb.environment().putAll(env);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        long staged = 0;
        while (p.isAlive() && staged < n * 8 / 10) {
            Thread.sleep(10);
            staged = scalar(wh, "SELECT coalesce((SELECT max(rows_staged) FROM _ingest.checkpoint), 0)");
        }
        p.destroyForcibly().waitFor();
        long atKill = scalar(wh, "SELECT coalesce((SELECT max(rows_staged) FROM _ingest.checkpoint), 0)");
        Measured retry = Measured.run(taskCommand("extract-db", "--table", "orders", "--start", START.toString(), "--end", END.toString()), env);
        String json = retry.lastLine();
        long read = Long.parseLong(json.replaceAll(".*\"rows_read\":(\\d+).*", "$1"));
        long resumed = Long.parseLong(json.replaceAll(".*\"rows_resumed\":(\\d+).*", "$1"));
        long reread = scalar(wh, "SELECT rows_reread FROM _ingest.load_run ORDER BY started_at DESC LIMIT 1");
        report.add("");
        report.add(String.format(Locale.ROOT, "Kill and resume (%,d rows, chunks of 100,000): SIGKILL when %,d rows (%.0f%%) were checkpointed;"
                + " the retry took over %,d rows and read %,d (the remaining %.0f%%), of which %,d had been read by the killed attempt past its"
                + " checkpoint; it finished in %.2f s (exit %d).", n, atKill, 100.0 * atKill / n, resumed, read, 100.0 * read / n, reread,
                retry.seconds(), retry.exitCode()));
    }

    void sql(String db, String sql) throws SQLException {
        pg.execute(db, sql);
    }

    long scalar(String db, String sql) throws SQLException {
        return pg.scalar(db, sql);
    }

    void drop(String db) {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // Best effort.
        }
    }

    String serverVersion() throws SQLException {
        try (Connection c = pg.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }

    static double memTotalGb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0;
                }
            }
        } catch (Exception ignored) {
            // Not Linux.
        }
        return 0;
    }
}
