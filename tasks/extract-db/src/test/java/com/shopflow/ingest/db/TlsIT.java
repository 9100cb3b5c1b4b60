package com.shopflow.ingest.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TLS to the databases: a PostgreSQL started with a certificate made here by openssl. verify-full lands; the
 * production profile refuses a weaker sslmode; a certificate for another host name fails at once with exit 2.
 */
class TlsIT {
    static final Instant S = Instant.parse("2026-11-23T00:00:00Z");
    static final Instant E = Instant.parse("2026-11-24T00:00:00Z");
    static PostgresServer pg;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("tls");
        cert("localhost", "server");
        cert("wrong.example", "other");
        pg = PostgresServer.start(Map.of("ssl", "on", "ssl_cert_file", dir.resolve("server.crt").toString(),
                "ssl_key_file", dir.resolve("server.key").toString()));
        pg.createDatabase("tls_src");
        pg.createDatabase("tls_wh");
        try (Connection c = pg.connect("tls_src"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, status text NOT NULL, currency char(3) NOT NULL,"
                    + " total_amount numeric(12,2) NOT NULL, placed_at timestamptz NOT NULL, created_at timestamptz NOT NULL,"
                    + " updated_at timestamptz NOT NULL); CREATE INDEX ON orders (updated_at);"
                    + " INSERT INTO orders SELECT g, 1, 'new', 'EUR', 1, '" + S + "', '" + S + "', '" + S + "'::timestamptz + g * interval '1 minute'"
                    + " FROM generate_series(1, 50) g");
        }
    }

    private static void cert(String host, String name) throws Exception {
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + host,
                "-addext", "subjectAltName=DNS:" + host, "-keyout", dir.resolve(name + ".key").toString(), "-out",
                dir.resolve(name + ".crt").toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed");
        Files.setPosixFilePermissions(dir.resolve(name + ".key"), PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void stop() {
        if (pg != null) {
            pg.close();
        }
    }

    private static AppProcess app(String sslmode, String rootCert) {
        AppProcess app = AppProcess.fromSystemProperty().env(pg.env("SOURCE_DB", "tls_src")).env(pg.env("WAREHOUSE_DB", "tls_wh"))
                .env("QUARKUS_PROFILE", "production").env("INGEST_RETRY_MAX_ATTEMPTS", "2");
        for (String side : new String[] {"SOURCE_DB", "WAREHOUSE_DB"}) {
            app.env(side + "_SSLMODE", sslmode).env(side + "_SSLROOTCERT", dir.resolve(rootCert).toString());
        }
        return app;
    }

    @Test
    void verifyFullLandsInTheProductionProfile() throws Exception {
        AppProcess.Result r = app("verify-full", "server.crt").run(ExtractDbIT.args("orders", S, E));
        assertEquals(0, r.exitCode(), r.toString());
        try (Connection c = pg.connect("tls_wh"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM raw.orders")) {
            rs.next();
            assertEquals(50, rs.getLong(1));
        }
    }

    @Test
    void theProductionProfileRefusesAWeakerSslmode() throws Exception {
        AppProcess.Result r = app("require", "server.crt").run(ExtractDbIT.args("orders", S, E));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("refuses SOURCE_DB_SSLMODE=require"), r.firstStderrLine());
    }

    @Test
    void aCertificateForAnotherHostFailsAtOnce() throws Exception {
        AppProcess.Result r = app("verify-full", "other.crt").run(ExtractDbIT.args("orders", S, E));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.firstStderrLine().contains("TLS verification failed"), r.firstStderrLine());
    }
}
