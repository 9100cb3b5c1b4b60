package com.shopflow.ingest.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.shopflow.ingest.docker.ContainerImage.Mount;
import com.shopflow.ingest.simulator.api.ApiOptions;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.Partitions;
import com.shopflow.ingest.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each task's built image, run as the KubernetesPodOperator runs it (dags/shopflow/factory.py): no command, the
 * contract's arguments, the pod's environment (production profile, JSON logs, the run id, connection settings and
 * passwords as the secretKeyRef variables deliver them), the image's non-root USER, a read-only root file system,
 * the XCom volume at /airflow/xcom and, for land-files, the drop mounted read-only at FILE_DROP_DIR. The sources
 * are real: PostgreSQL with TLS (the production profile insists on verify-full), the simulator's products API
 * and a file drop on disk. {@code docker/image-test.sh} builds the images and runs this; without
 * {@code -Dimage.tag} it skips.
 */
class ImageRunIT {
    static final Instant DAY1 = Instant.parse("2026-11-23T00:00:00Z");
    static final Instant DAY2 = Instant.parse("2026-11-24T00:00:00Z");
    static final Duration TIMEOUT = Duration.ofMinutes(3);
    static final String TOKEN = "tok-canary-image-51d0";
    static final String RUN_ID = "scheduled__2026-11-23T00:00:00+00:00";
    static final String CA_IN_CONTAINER = "/etc/shopflow/tls/ca.crt";
    static final String DROP_IN_CONTAINER = "/data/file-drop";
    private static final Pattern CONNECTION = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) UTC.*LOG:\\s+connection received");
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    static PostgresServer pg;
    static Path tls;
    static Path pgLog;

    @TempDir
    Path xcom;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(!ContainerImage.tag().isEmpty(), "no -Dimage.tag: build the images with docker/image-test.sh");
        tls = Files.createTempDirectory("image-tls");
        Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost", "-keyout", tls.resolve("server.key").toString(), "-out",
                tls.resolve("ca.crt").toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed");
        Files.setPosixFilePermissions(tls.resolve("server.key"), PosixFilePermissions.fromString("rw-------"));
        // The container's user (185) reads the CA certificate through the read-only mount.
        Files.setPosixFilePermissions(tls.resolve("ca.crt"), PosixFilePermissions.fromString("rw-r--r--"));
        Path logs = Files.createTempDirectory("image-pg-log");
        pgLog = logs.resolve("postgresql.log");
        // log_connections with millisecond timestamps: the first connection after `run` is the task's first query.
        pg = PostgresServer.start(Map.of("ssl", "on", "ssl_cert_file", tls.resolve("ca.crt").toString(),
                "ssl_key_file", tls.resolve("server.key").toString(), "logging_collector", "on", "log_directory", logs.toString(),
                "log_filename", "postgresql.log", "log_connections", "on", "log_timezone", "UTC", "log_line_prefix", "%m"));
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void extractDbLandsTheOrdersOfTheInterval() throws Exception {
        ContainerImage image = image("extract-db");
        pg.createDatabase("img_src");
        try (Connection c = pg.connect("img_src"); Statement s = c.createStatement()) {
            s.execute(SourceSchema.DDL);
            s.execute("INSERT INTO orders VALUES "
                    + "(1, 10, 'placed', 'EUR', 10.00, '2026-11-23 01:00+00', '2026-11-23 01:00+00', '2026-11-23 01:00+00'),"
                    + "(2, 11, 'paid', 'USD', 20.50, '2026-11-23 02:00+00', '2026-11-23 02:00+00', '2026-11-23 23:59:59.999+00'),"
                    + "(3, 12, 'shipped', 'EUR', 5.25, '2026-11-22 09:00+00', '2026-11-22 09:00+00', '2026-11-23 00:00+00'),"
                    + "(4, 13, 'placed', 'EUR', 7.00, '2026-11-24 00:00+00', '2026-11-24 00:00+00', '2026-11-24 00:00+00')");
        }
        Map<String, String> env = pod();
        env.putAll(db("WAREHOUSE_DB", "img_wh_db"));
        env.putAll(db("SOURCE_DB", "img_src"));
        landed(image, env, List.of(), "img_wh_db", "orders", 3, "--table", "orders");
    }

    @Test
    void extractApiLandsTheProductsOfTheInterval() throws Exception {
        ContainerImage image = image("extract-api");
        try (ProductsApiServer api = ProductsApiServer.start(ApiOptions.of(300, 42, LocalDate.of(2026, 11, 21), 4, TOKEN))) {
            long truth = api.truth(DAY1, DAY2).size();
            assertTrue(truth > 0, "the simulator has products updated in the interval");
            Map<String, String> env = pod();
            env.putAll(db("WAREHOUSE_DB", "img_wh_api"));
            env.put("PRODUCTS_API_URL", api.url());
            env.put("PRODUCTS_API_TOKEN", TOKEN);
            AppProcess.Result r = landed(image, env, List.of(), "img_wh_api", "products", truth, "--resource", "products");
            assertFalse(r.stdout().contains(TOKEN) || r.stderr().contains(TOKEN), "the token never appears in the output");
        }
    }

    @Test
    void landFilesLandsTheDropsDateFolder(@TempDir Path drop) throws Exception {
        ContainerImage image = image("land-files");
        Path day = Files.createDirectories(drop.resolve("marketplace_orders").resolve("2026-11-23"));
        Files.writeString(day.resolve("marketplace_orders_20261123_01.csv"), """
                order_ref,ordered_at,customer_email,sku,quantity,unit_price,currency
                MP-1,2026-11-23T08:00:00Z,ana@example.com,SKU-1,1,12.50,EUR
                MP-2,2026-11-23T09:30:00Z,zoë@example.com,SKU-2,3,4.00,EUR
                MP-3,2026-11-23T23:59:00Z,li@example.com,SKU-3,2,1.99,EUR
                """, StandardCharsets.UTF_8);
        Files.createFile(day.resolve("_DONE"));
        worldReadable(drop);
        Map<String, String> env = pod();
        env.putAll(db("WAREHOUSE_DB", "img_wh_files"));
        env.put("FILE_DROP_DIR", DROP_IN_CONTAINER);
        landed(image, env, List.of(new Mount(drop, DROP_IN_CONTAINER, true)), "img_wh_files", "marketplace_orders", 3,
                "--feed", "marketplace_orders");
    }

    @Test
    void everyImageRunsAsANumericNonRootUserAndExits2OnAUsageError() throws Exception {
        for (Task task : Task.ALL) {
            ContainerImage image = image(task.module());
            String user = image.inspect("{{.Config.User}}");
            // runAsNonRoot: the kubelet admits only a numeric, non-zero image user it can check without /etc/passwd.
            assertTrue(user.matches("[1-9][0-9]*(:[0-9]+)?"), task.module() + " runs as " + user);
            ContainerImage.Run run = image.run(pod(), List.of(), TIMEOUT, task.selectorFlag(), task.selector(), "--start", "yesterday");
            assertEquals(2, run.result().exitCode(), task.module() + ": " + run.result());
            assertFalse(run.result().stderr().isBlank(), "a usage error says what is wrong on stderr");
        }
    }

    private ContainerImage image(String module) {
        ContainerImage image = ContainerImage.of(Task.named(module));
        try {
            image.inspect("{{.Id}}");
        } catch (Exception e) {
            throw new IllegalStateException("image " + image.reference() + " not built (docker/image-test.sh builds it): " + e.getMessage());
        }
        return image;
    }

    private AppProcess.Result landed(ContainerImage image, Map<String, String> env, List<Mount> extra, String warehouse, String table,
            long rows, String... selector) throws Exception {
        worldWritable(xcom);
        List<Mount> mounts = new ArrayList<>(extra);
        mounts.add(new Mount(xcom, "/airflow/xcom", false));
        mounts.add(new Mount(tls.resolve("ca.crt").getParent(), "/etc/shopflow/tls", true));
        List<String> args = new ArrayList<>(List.of(selector));
        args.addAll(List.of("--start", ts(DAY1), "--end", ts(DAY2)));
        ContainerImage.Run run = image.run(env, mounts, TIMEOUT, args.toArray(String[]::new));
        AppProcess.Result r = run.result();
        assertEquals(0, r.exitCode(), r.toString());
        String summary = r.lastStdoutLine();
        assertEquals("landed", Json.field(summary, "outcome"), summary);
        assertEquals(rows, Json.longField(summary, "rows"), summary);
        assertTrue(Json.field(summary, "target").endsWith(table), "the summary names raw." + table + ": " + summary);
        assertEquals(summary, Files.readString(xcom.resolve("return.json"), StandardCharsets.UTF_8).strip(),
                "the XCom sidecar reads the same summary from /airflow/xcom/return.json");
        assertFalse(r.stdout().contains(PostgresServer.PASSWORD) || r.stderr().contains(PostgresServer.PASSWORD), "no password in the output");
        try (Connection c = pg.connect(warehouse)) {
            assertEquals(rows, Partitions.count(c, table, DAY1, DAY2), "rows of raw." + table + " in [" + DAY1 + ", " + DAY2 + ")");
        }
        report(image, run);
        return r;
    }

    /** Start-up figure: from `ENGINE run` to the first connection PostgreSQL logged after it. */
    private static void report(ContainerImage image, ContainerImage.Run run) throws Exception {
        Instant first = null;
        for (String line : Files.readAllLines(pgLog, StandardCharsets.UTF_8)) {
            Matcher m = CONNECTION.matcher(line);
            if (m.find()) {
                Instant at = LocalDateTime.parse(m.group(1), LOG_TIME).toInstant(ZoneOffset.UTC);
                if (!at.isBefore(run.startedAt())) {
                    first = at;
                    break;
                }
            }
        }
        String figure = String.format("FIGURE %s run-to-first-query=%s wall=%dms", image.reference(),
                first == null ? "n/a" : Duration.between(run.startedAt(), first).toMillis() + "ms", run.wall().toMillis());
        System.out.println(figure);
        Path figures = Path.of(System.getProperty("repo.root", ".")).resolve("docker/target/image-figures.txt");
        Files.createDirectories(figures.getParent());
        Files.writeString(figures, figure + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** The variables every task pod gets from the DAG (factory.py), before the task's own. */
    private static Map<String, String> pod() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_PROFILE", "production");
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        env.put("AIRFLOW_CTX_DAG_RUN_ID", RUN_ID);
        return env;
    }

    /** One database's variables as the pod gets them: URL, user and password from a Secret, TLS verify-full. */
    private static Map<String, String> db(String prefix, String database) {
        if (prefix.equals("WAREHOUSE_DB")) {
            pg.createDatabase(database);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(prefix + "_URL", pg.jdbcUrl(database));
        env.put(prefix + "_USER", PostgresServer.USER);
        env.put(prefix + "_PASSWORD", PostgresServer.PASSWORD);
        env.put(prefix + "_SSLMODE", "verify-full");
        env.put(prefix + "_SSLROOTCERT", CA_IN_CONTAINER);
        return env;
    }

    private static void worldReadable(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            for (Path f : files.toList()) {
                Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static void worldWritable(Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    private static String ts(Instant i) {
        return i.toString().replace("Z", "+00:00");
    }
}
