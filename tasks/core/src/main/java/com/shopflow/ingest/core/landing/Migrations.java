package com.shopflow.ingest.core.landing;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.config.DbSettings;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.resource.LoadableResource;
import org.jboss.logging.Logger.Level;

/**
 * Flyway over the migrations of {@link Catalog#MIGRATIONS}, given to it by name rather than found by scanning the
 * class path: no scan cost per run, and nothing to discover in a native image (where the files are included by
 * {@code quarkus.native.resources.includes=db/ingest/*.sql} in core's microprofile-config.properties).
 * <p>
 * A warehouse landed by 0.1.0 has the tables of V1 and {@code _ingest.catalog_version} but no Flyway history: it is
 * baselined at version 1, then V2 onwards run. Any other content of {@code _ingest} without a history is refused
 * rather than guessed at.
 */
final class Migrations {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Migrations.class);
    static final String LOCATION = "db/ingest/";

    private Migrations() {
    }

    static void migrate(DbSettings warehouse, Catalog.State state) throws SQLException {
        if (state.foreign()) {
            throw new IngestException(ErrorCode.CONFIG, "the warehouse has a schema _ingest that ShopFlow Ingest did not create"
                    + " (no _ingest.catalog_version, no _ingest." + Catalog.HISTORY + "): rename or drop it, or point WAREHOUSE_DB_URL"
                    + " at the right database");
        }
        long t0 = System.nanoTime();
        Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(new WarehouseDataSource(warehouse))
                .schemas(Catalog.INGEST)
                .table(Catalog.HISTORY)
                .resourceProvider(new Files())
                .javaMigrationClassProvider(List::of)
                .baselineOnMigrate(state.legacy())
                .baselineVersion("1")
                .baselineDescription("0.1.0 schema (catalog_version 1)")
                // A newer build may have applied later versions: this one runs with the tables it knows.
                .ignoreMigrationPatterns("*:future")
                .connectRetries(0)
                .cleanDisabled(true)
                .load();
        MigrateResult r;
        try {
            r = flyway.migrate();
        } catch (FlywayException e) {
            throw classified(e);
        }
        LOG.logf(r.migrationsExecuted > 0 ? Level.INFO : Level.DEBUG, "bookkeeping schema %s: %s -> version %s in %d ms (applied: %s)",
                Catalog.INGEST, state.history() ? "version " + state.version() : state.legacy() ? "0.1.0, baselined at 1" : "new",
                r.targetSchemaVersion == null ? state.version() : r.targetSchemaVersion, (System.nanoTime() - t0) / 1_000_000,
                r.migrations == null || r.migrations.isEmpty() ? "none"
                        : String.join(", ", r.migrations.stream().map(m -> "V" + m.version).toList()));
    }

    /** A connection or SQL failure inside Flyway keeps its own classification; anything else is a bug here. */
    private static RuntimeException classified(FlywayException e) throws SQLException {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IngestException ie) {
                return ie;
            }
            if (t instanceof SQLException se) {
                throw se;
            }
        }
        String first = String.valueOf(e.getMessage()).lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        return new IngestException(ErrorCode.INTERNAL, "the bookkeeping schema " + Catalog.INGEST + " could not be brought to version "
                + Catalog.VERSION + ": " + first, e);
    }

    /** The shipped migration files, read from the class path by name. */
    private static final class Files implements ResourceProvider {
        @Override
        public LoadableResource getResource(String name) {
            String file = name.startsWith(LOCATION) ? name.substring(LOCATION.length()) : name;
            return Catalog.MIGRATIONS.contains(file) ? new File(file) : null;
        }

        @Override
        public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
            return Catalog.MIGRATIONS.stream().filter(f -> f.startsWith(prefix) && Arrays.stream(suffixes).anyMatch(f::endsWith))
                    .<LoadableResource>map(File::new).toList();
        }
    }

    private static final class File extends LoadableResource {
        private final String name;

        File(String name) {
            this.name = name;
        }

        @Override
        public Reader read() {
            InputStream in = Migrations.class.getClassLoader().getResourceAsStream(LOCATION + name);
            if (in == null) {
                throw new IngestException(ErrorCode.INTERNAL, "migration " + LOCATION + name + " is missing from the build");
            }
            return new InputStreamReader(in, StandardCharsets.UTF_8);
        }

        @Override
        public String getAbsolutePath() {
            return LOCATION + name;
        }

        @Override
        public String getAbsolutePathOnDisk() {
            return LOCATION + name;
        }

        @Override
        public String getFilename() {
            return name;
        }

        @Override
        public String getRelativePath() {
            return name;
        }
    }

    /** Connections for Flyway, opened like every other warehouse connection (TLS, timeouts, redaction). */
    private record WarehouseDataSource(DbSettings warehouse) implements DataSource {
        @Override
        public Connection getConnection() {
            return warehouse.connect("shopflow-ingest/migrate");
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("the warehouse credentials come from WAREHOUSE_DB_*");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return warehouse.connectTimeoutSeconds();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
