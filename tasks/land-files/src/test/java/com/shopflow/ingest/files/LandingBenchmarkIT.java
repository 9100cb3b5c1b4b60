package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.PostgresServer;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a measurement run by hand ({@code ./mvnw -pl tasks/land-files verify -Dit.test=LandingBenchmarkIT
 * -Dbench.rows=5000000 -Dbench=true}). Lands one big CSV with the packaged app under {@code /usr/bin/time -v} and
 * loads the same file with {@code psql \copy} into a plain text table on the same server, then prints rows/s of
 * both and the app's peak RSS.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true", disabledReason = "a benchmark, run by hand with -Dbench=true")
class LandingBenchmarkIT {
    @Test
    void landBigFileVersusPsqlCopy() throws Exception {
        int rows = Integer.getInteger("bench.rows", 5_000_000);
        String day = "2026-11-23";
        Drop drop = Drop.create();
        Path file = drop.day(day).resolve(Drop.fileName(day, 1, false));
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE)) {
            w.write(Drop.HEADER + "\n");
            for (int i = 1; i <= rows; i++) {
                w.write(Drop.row("M" + i, day, i));
                w.write('\n');
            }
        }
        drop.done(day);
        PostgresServer pg = PostgresServer.shared();
        Warehouse wh = new Warehouse("lf_bench", drop);
        try (Connection c = wh.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE plain (order_ref text, ordered_at text, customer_email text, sku text, quantity text, "
                    + "unit_price text, currency text)");
        }
        long size = Files.size(file);

        long t0 = System.nanoTime();
        List<String> psql = List.of("/usr/bin/psql", "-h", "localhost", "-p", Integer.toString(pg.port()), "-U",
                PostgresServer.USER, "-d", wh.db, "-v", "ON_ERROR_STOP=1", "-c",
                "\\copy plain FROM '" + file + "' WITH (FORMAT csv, HEADER true)");
        assertEquals(0, run(psql, List.of("PGPASSWORD=" + PostgresServer.PASSWORD)).exit);
        double psqlSeconds = (System.nanoTime() - t0) / 1e9;

        AppProcess app = wh.app;
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-v", ProcessHandle.current().info().command().orElse("java"),
                "-jar", app.jar().toString(), "--feed", "marketplace_orders", "--start", Warehouse.START, "--end", Warehouse.END));
        List<String> env = new ArrayList<>();
        app.environment().forEach((k, v) -> env.add(k + "=" + v));
        long t1 = System.nanoTime();
        Run land = run(cmd, env);
        double landSeconds = (System.nanoTime() - t1) / 1e9;
        assertEquals(0, land.exit, land.output);
        String rss = land.output.lines().filter(l -> l.contains("Maximum resident set size")).findFirst().orElse("?").trim();

        System.out.printf("BENCH file %d rows, %.0f MB%n", rows, size / 1e6);
        System.out.printf("BENCH psql \\copy: %.1f s, %.0f rows/s%n", psqlSeconds, rows / psqlSeconds);
        System.out.printf("BENCH land-files: %.1f s, %.0f rows/s (%.0f%% of psql), %s%n", landSeconds, rows / landSeconds,
                100 * psqlSeconds / landSeconds, rss);
        explain(wh);
        land.output.lines().filter(l -> !l.startsWith("\t") || l.contains("Elapsed") || l.contains("Maximum")).forEach(l -> System.out.println("BENCH " + l));
    }

    private static void explain(Warehouse wh) throws Exception {
        for (String collate : List.of("", " COLLATE \"C\"")) {
            String workMem = "4MB";
            try (Connection c = wh.connect(); Statement s = c.createStatement()) {
                s.execute("SET work_mem = '" + workMem + "'");
                long t = System.nanoTime();
                try (var rs = s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF) SELECT EXISTS (SELECT 1 FROM raw.marketplace_orders "
                        + "GROUP BY order_ref" + collate + " HAVING count(*) > 1)")) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
                System.out.printf("BENCH core's duplicate check (GROUP BY order_ref%s HAVING count(*) > 1): %.1f s%n", collate,
                        (System.nanoTime() - t) / 1e9);
            }
        }
    }

    record Run(int exit, String output) {
    }

    private static Run run(List<String> cmd, List<String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("WAREHOUSE_DB") || k.startsWith("FILE_DROP") || k.startsWith("INGEST_"));
        for (String e : env) {
            int eq = e.indexOf('=');
            pb.environment().put(e.substring(0, eq), e.substring(eq + 1));
        }
        Path out = Files.createTempFile("bench", ".log");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out");
        }
        return new Run(p.exitValue(), Files.readString(out));
    }
}
