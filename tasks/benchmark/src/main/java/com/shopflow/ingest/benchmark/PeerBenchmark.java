package com.shopflow.ingest.benchmark;

import com.shopflow.ingest.testkit.PostgresServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The workloads of extract-db and land-files through Sling and dlt, installed from PyPI (versions pinned in
 * tasks/benchmark/peers) into a virtualenv under target/, next to the psql baseline and the project's own task,
 * all measured in the same run. A tool that cannot be installed or run here gets one line saying why; the
 * benchmark goes on without it.
 */
final class PeerBenchmark {
    private final Benchmark bench;
    private final Path peers;
    private final Path work;
    private final Path venv;
    private final List<String> notes = new ArrayList<>();

    /** A peer as installed here: how to start it and its version, or why it is not available. */
    record Tool(String name, List<String> command, String version, String problem) {
        static Tool missing(String name, String problem) {
            return new Tool(name, List.of(), null, problem);
        }
    }

    /** One measured run: who, the command and its environment, and the query counting the rows it landed. */
    record Run(String tool, List<String> command, Map<String, String> env, String countSql) {
    }

    PeerBenchmark(Benchmark bench) {
        this.bench = bench;
        peers = bench.repo.resolve("tasks/benchmark/peers");
        work = bench.repo.resolve("tasks/benchmark/target/peers-work");
        venv = bench.repo.resolve("tasks/benchmark/target/peers-venv");
    }

    void run(long[] sizes) throws Exception {
        if (sizes.length == 0) {
            return;
        }
        Tool sling = sling();
        Tool dlt = dlt();
        List<String> report = bench.report;
        report.add("");
        report.add("## Sling and dlt on the same workloads");
        report.add("");
        report.add("Installed from PyPI into `tasks/benchmark/target/peers-venv` (pinned: `tasks/benchmark/peers/requirements-*.txt`)."
                + " Each tool line is one run; the psql line is the baseline of the sections above (best of 2), measured again here on"
                + " the same data; wall time includes start-up (JVM, Go binary, Python interpreter and imports); ratio = psql s / tool"
                + " s; *rows landed* is counted in the target table afterwards.");
        report.add("");
        for (Tool t : List.of(sling, dlt)) {
            report.add(t.problem() == null ? "- " + t.name() + " " + t.version() + ": " + describe(t.name())
                    : "- " + t.name() + " could not be installed or run here: " + t.problem());
        }
        report.add("- extract-db and land-files: the packaged tasks with the JVM image's options, doing their whole job (ledger,"
                + " staging with checkpoints, one row per key, atomic partition publish).");
        report.add("");
        report.add("| workload | rows | tool | wall s | rows/s | ratio | peak RSS MB | rows landed |");
        report.add("|---|---:|---|---:|---:|---:|---:|---:|");
        for (long n : sizes) {
            orders(n, sling, dlt);
            bench.print();
            files(n, sling, dlt);
            bench.print();
        }
        if (!notes.isEmpty()) {
            report.add("");
            report.addAll(notes);
        }
    }

    private String describe(String tool) {
        return tool.equals("Sling")
                ? "the Go binary of the PyPI wheel `sling-linux-*` (the `sling` package itself downloads its binary from GitHub"
                        + " releases at first use, which this machine cannot reach). `sling run --mode full-refresh`: orders by the"
                        + " psql baseline's SELECT, the CSV file with `--columns '{\"*\": \"string\"}'` (text, plus its"
                        + " `_sling_loaded_at` column). It bulk-loads into a `<table>_tmp` table, then drops and recreates the"
                        + " target and copies the rows over with `INSERT ... SELECT`; its own types (char(3) becomes varchar(3),"
                        + " numeric(12,2) numeric, CSV columns varchar(65500)). No interval, no key, no checkpoint."
                : "`tasks/benchmark/peers/dlt_load.py`, `write_disposition=\"replace\"`, `loader_file_format=\"csv\"` (loaded with"
                        + " COPY). orders: `sql_table(backend=\"pyarrow\")` filtered on the interval; extract writes the Arrow"
                        + " batches to local Parquet files, normalize rewrites them as gzip'd CSV files, load COPYs those. CSV file:"
                        + " the `filesystem` source with `read_csv` (pandas chunks of 100,000, every column as text), which yields"
                        + " Python dicts: dlt normalizes them row by row into local files, adds `_dlt_load_id` and `_dlt_id` (with a"
                        + " unique index), then COPYs. No interval, no key, no checkpoint.";
    }

    private void orders(long n, Tool sling, Tool dlt) throws Exception {
        String src = "bench_peer_src_" + n;
        String wh = "bench_peer_wh_" + n;
        bench.fill(src, wh, n);
        double base = Math.min(bench.psqlPipe(src, wh), bench.psqlPipe(src, wh));
        baseline("orders (extract-db)", n, base, bench.scalar(wh, "SELECT count(*) FROM plain_orders"));
        String select = "select " + Benchmark.ORDER_COLUMNS + ", '" + Benchmark.START + "'::timestamptz as _interval_start, '"
                + Benchmark.END + "'::timestamptz as _interval_end from orders where updated_at >= '" + Benchmark.START
                + "' and updated_at < '" + Benchmark.END + "'";
        List<Run> runs = new ArrayList<>(List.of(new Run("extract-db", bench.taskCommand("extract-db", "--table", "orders", "--start",
                Benchmark.START.toString(), "--end", Benchmark.END.toString()), bench.env(src, wh), "SELECT count(*) FROM raw.orders")));
        if (sling.problem() == null) {
            runs.add(new Run("Sling", concat(sling.command(), "run", "--src-conn", "BENCH_SRC", "--src-stream", select, "--tgt-conn",
                    "BENCH_WH", "--tgt-object", "public.sling_orders", "--mode", "full-refresh"), slingEnv(src, wh),
                    "SELECT count(*) FROM public.sling_orders"));
        }
        if (dlt.problem() == null) {
            runs.add(new Run("dlt", concat(dlt.command(), "orders"), dltEnv(Map.of("BENCH_SOURCE_URL", url("postgresql+psycopg2", src),
                    "BENCH_START", Benchmark.START.toString(), "BENCH_END", Benchmark.END.toString()), wh),
                    "SELECT count(*) FROM dlt_orders.orders"));
        }
        for (Run r : runs) {
            measure("orders (extract-db)", n, base, wh, r);
        }
        bench.drop(src);
        bench.drop(wh);
    }

    private void files(long n, Tool sling, Tool dlt) throws Exception {
        Path root = work.resolve("drop");
        Path day = root.resolve("marketplace_orders/2026-11-23");
        Files.createDirectories(day);
        Path csv = day.resolve("marketplace_orders_20261123_01.csv");
        writeCsv(csv, n);
        Files.writeString(day.resolve("_DONE"), "");
        String wh = "bench_peer_files_" + n;
        bench.pg.createDatabase(wh);
        double base = bench.psqlCopyFile(wh, csv);
        baseline("CSV file (land-files)", n, base, bench.scalar(wh, "SELECT count(*) FROM plain_text"));
        Map<String, String> landEnv = new HashMap<>(bench.pg.env("WAREHOUSE_DB", wh));
        landEnv.put("FILE_DROP_DIR", root.toString());
        List<Run> runs = new ArrayList<>(List.of(new Run("land-files", bench.taskCommand(Benchmark.FILES_JVM_OPTIONS, "land-files", "--feed", "marketplace_orders",
                "--start", Benchmark.START.toString(), "--end", Benchmark.END.toString()), landEnv,
                "SELECT count(*) FROM raw.marketplace_orders")));
        if (sling.problem() == null) {
            runs.add(new Run("Sling", concat(sling.command(), "run", "--src-stream", "file://" + csv, "--columns", "{\"*\": \"string\"}",
                    "--tgt-conn", "BENCH_WH", "--tgt-object", "public.sling_marketplace_orders", "--mode", "full-refresh"),
                    slingEnv(null, wh), "SELECT count(*) FROM public.sling_marketplace_orders"));
        }
        if (dlt.problem() == null) {
            runs.add(new Run("dlt", concat(dlt.command(), "csv"), dltEnv(Map.of("BENCH_CSV", csv.toString()), wh),
                    "SELECT count(*) FROM dlt_csv.marketplace_orders"));
        }
        for (Run r : runs) {
            measure("CSV file (land-files)", n, base, wh, r);
        }
        deleteTree(root);
        bench.drop(wh);
    }

    private void baseline(String workload, long n, double seconds, long landed) {
        bench.report.add(String.format(Locale.ROOT, "| %s | %,d | psql | %.2f | %,.0f | 1.00 | | %s |", workload, n, seconds, n / seconds,
                landed(landed, n)));
    }

    private void measure(String workload, long n, double base, String db, Run r) throws Exception {
        Path err = Files.createTempFile("peer", ".err");
        Measured m = Measured.run(r.command(), r.env(), ProcessBuilder.Redirect.to(err.toFile()));
        String problem = m.exitCode() == 0 ? null : "failed (exit " + m.exitCode() + "): " + lastLine(err);
        long landed = -1;
        if (problem == null) {
            try {
                landed = bench.scalar(db, r.countSql());
            } catch (SQLException e) {
                problem = "exit 0 but nothing to count: " + e.getMessage().lines().findFirst().orElse("");
            }
        }
        Files.deleteIfExists(err);
        if (problem != null) {
            bench.report.add(String.format(Locale.ROOT, "| %s | %,d | %s | %s | | | | |", workload, n, r.tool(), problem));
            return;
        }
        bench.report.add(String.format(Locale.ROOT, "| %s | %,d | %s | %.2f | %,.0f | %.2f | %.0f | %s |", workload, n, r.tool(),
                m.seconds(), n / m.seconds(), base / m.seconds(), m.peakRssKb() / 1024.0, landed(landed, n)));
        if (r.tool().equals("dlt") && m.stdout().contains("steps=")) {
            notes.add(String.format(Locale.ROOT, "- dlt, %s, %,d rows, its own step times in seconds: %s (the rest of its %.2f s is"
                    + " start-up and imports).", workload, n, m.lastLine().substring(6).replace(":", " ").replace(",", ", "), m.seconds()));
        }
    }

    private static String landed(long landed, long expected) {
        return landed == expected ? String.format(Locale.ROOT, "%,d", landed)
                : String.format(Locale.ROOT, "**%,d (expected %,d)**", landed, expected);
    }

    /** Sling reads connections from environment variables named on its command line: no password in the arguments. */
    private Map<String, String> slingEnv(String src, String wh) throws IOException {
        Map<String, String> env = new HashMap<>();
        if (src != null) {
            env.put("BENCH_SRC", url("postgresql", src) + "?sslmode=disable");
        }
        env.put("BENCH_WH", url("postgresql", wh) + "?sslmode=disable");
        env.put("SLING_DISABLE_TELEMETRY", "true");
        env.put("SLING_HOME_DIR", Files.createDirectories(work.resolve("sling-home")).toString());
        return env;
    }

    /** A fresh pipelines directory per run, so that no state of an earlier run changes what dlt does. */
    private Map<String, String> dltEnv(Map<String, String> source, String wh) throws IOException {
        Path dir = work.resolve("dlt");
        deleteTree(dir);
        Map<String, String> env = new HashMap<>(source);
        env.put("BENCH_WAREHOUSE_URL", url("postgresql", wh));
        env.put("BENCH_DLT_DIR", Files.createDirectories(dir).toString());
        env.put("RUNTIME__LOG_LEVEL", "WARNING");
        env.put("RUNTIME__DLTHUB_TELEMETRY", "false");
        return env;
    }

    private String url(String scheme, String db) {
        return scheme + "://" + PostgresServer.USER + ":" + PostgresServer.PASSWORD + "@localhost:" + bench.pg.port() + "/" + db;
    }

    private Tool sling() throws Exception {
        String problem = install("requirements-sling.txt");
        if (problem != null) {
            return Tool.missing("Sling", problem);
        }
        Optional<Path> binary;
        try (Stream<Path> s = Files.find(venv.resolve("lib"), 6, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().startsWith("sling-linux-") && p.getParent().getFileName().toString().equals("bin"))) {
            binary = s.findFirst();
        }
        if (binary.isEmpty()) {
            return Tool.missing("Sling", "no sling-linux-* wheel for " + System.getProperty("os.arch") + " on PyPI");
        }
        Measured v = Measured.run(List.of(binary.get().toString(), "--version"), Map.of("SLING_DISABLE_TELEMETRY", "true"));
        if (v.exitCode() != 0) {
            return Tool.missing("Sling", "the binary does not start (exit " + v.exitCode() + ")");
        }
        return new Tool("Sling", List.of(binary.get().toString()), v.lastLine().replace("Version:", "").strip(), null);
    }

    private Tool dlt() throws Exception {
        String problem = install("requirements-dlt.txt");
        if (problem != null) {
            return Tool.missing("dlt", problem);
        }
        String python = venv.resolve("bin/python").toString();
        Measured imports = Measured.run(List.of(python, "-c", "import dlt, pyarrow, pandas, sqlalchemy; print(dlt.__version__)"), Map.of());
        if (imports.exitCode() != 0) {
            return Tool.missing("dlt", "it does not import in the virtualenv");
        }
        notes.add(String.format(Locale.ROOT, "- Importing dlt, pyarrow, pandas and SQLAlchemy alone takes %.2f s here.", imports.seconds()));
        return new Tool("dlt", List.of(python, peers.resolve("dlt_load.py").toString()), imports.lastLine(), null);
    }

    /** Runs peers/install.sh for one requirements file; null when installed, else its one-line reason. */
    private String install(String requirements) throws Exception {
        Path err = Files.createTempFile("peer-install", ".err");
        Process p = new ProcessBuilder("bash", peers.resolve("install.sh").toString(), venv.toString(), peers.resolve(requirements).toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        int exit = p.waitFor();
        String reason = exit == 0 ? null : lastLine(err);
        Files.deleteIfExists(err);
        return reason;
    }

    /** The last non-blank line of a tool's stderr (where Sling and Python put the error), without colours or the password. */
    private static String lastLine(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file).stream().map(l -> l.replaceAll("\u001B\\[[0-9;]*m", "").strip())
                .filter(l -> !l.isEmpty()).toList();
        String last = lines.isEmpty() ? "no message" : lines.get(lines.size() - 1);
        return last.replace(PostgresServer.PASSWORD, "***").replace("|", "\\|");
    }

    /** The same file as the land-files section writes ({@code Benchmark.files}). */
    static void writeCsv(Path csv, long n) throws IOException {
        try (BufferedWriter out = new BufferedWriter(Files.newBufferedWriter(csv), 1 << 20)) {
            out.write("order_ref,ordered_at,customer_email,sku,quantity,unit_price,currency\n");
            for (long i = 1; i <= n; i++) {
                out.write("MP-" + i + ",2026-11-23T" + String.format(Locale.ROOT, "%02d:%02d:%02d", (i / 3600) % 24, (i / 60) % 60, i % 60)
                        + "Z,buyer" + (i % 50000) + "@example.com,SKU-" + (i % 9973) + "," + (1 + i % 5) + "," + (i % 10000) / 100.0
                        + ",EUR\n");
            }
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
