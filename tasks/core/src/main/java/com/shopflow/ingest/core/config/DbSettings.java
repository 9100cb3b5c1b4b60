package com.shopflow.ingest.core.config;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.Failures;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * How to reach one PostgreSQL database. The password is held here only; {@link #toString()} masks it and
 * it is registered with {@link Redaction} so no message can echo it.
 *
 * @param role       what this database is, for messages ("source database", "warehouse")
 * @param envPrefix  the contract's variable prefix ("SOURCE_DB", "WAREHOUSE_DB"), for messages
 */
public record DbSettings(String role, String envPrefix, String url, String user, String password,
                         String sslmode, String sslrootcert, int connectTimeoutSeconds) {

    /** The warehouse's connection settings ({@code WAREHOUSE_DB_*}). */
    public static DbSettings warehouse(IngestConfig config) {
        return from("warehouse", "WAREHOUSE_DB", config.warehouse());
    }

    /** The source database's connection settings ({@code SOURCE_DB_*}). */
    public static DbSettings source(IngestConfig config) {
        return from("source database", "SOURCE_DB", config.source());
    }

    public static DbSettings from(String role, String envPrefix, IngestConfig.Db db) {
        String url = db.url().orElseThrow(() -> new IngestException(ErrorCode.CONFIG,
                envPrefix + "_URL is not set: the " + role + " JDBC URL, e.g. jdbc:postgresql://host:5432/db"));
        String shown = Redaction.url(url); // also registers a password written into the URL as a secret
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IngestException(ErrorCode.CONFIG, envPrefix + "_URL must be a jdbc:postgresql:// URL, not " + shown);
        }
        if (hasUserinfo(url)) {
            throw new IngestException(ErrorCode.CONFIG, envPrefix + "_URL (" + shown + ") carries credentials before the host, which the "
                    + "PostgreSQL driver does not read: put the user in " + envPrefix + "_USER and the password in " + envPrefix
                    + "_PASSWORD (or " + envPrefix + "_PASSWORD_FILE)");
        }
        if (org.postgresql.Driver.parseURL(url, null) == null) {
            // Retrying cannot help: the driver would answer "No suitable driver" (SQLState 08001) every time.
            throw new IngestException(ErrorCode.CONFIG, envPrefix + "_URL (" + shown + ") is not a URL the PostgreSQL driver can parse "
                    + "(bad percent-encoding, a port outside 1-65535, ...); the form is jdbc:postgresql://host:port/db");
        }
        String user = db.user().orElseThrow(() -> new IngestException(ErrorCode.CONFIG, envPrefix + "_USER is not set"));
        String password = db.password().or(() -> db.passwordFile().map(f -> readSecretFile(envPrefix + "_PASSWORD_FILE", f)))
                .orElseThrow(() -> new IngestException(ErrorCode.CONFIG,
                        envPrefix + "_PASSWORD (or " + envPrefix + "_PASSWORD_FILE) is not set"));
        Redaction.register(password);
        String sslmode = db.sslmode().orElse(null);
        if (requireVerifyFull() && !"verify-full".equals(sslmode)) {
            throw new IngestException(ErrorCode.CONFIG, "the production profile refuses " + envPrefix + "_SSLMODE="
                    + (sslmode == null ? "(unset)" : sslmode) + ": set " + envPrefix + "_SSLMODE=verify-full and " + envPrefix
                    + "_SSLROOTCERT to the CA certificate of the " + role);
        }
        return new DbSettings(role, envPrefix, url, user, password, db.sslmode().orElse(null), db.sslrootcert().orElse(null),
                db.connectTimeoutSeconds());
    }

    private static boolean hasUserinfo(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return false;
        }
        String rest = url.substring(start + 3);
        int end = 0;
        while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
            end++;
        }
        return rest.substring(0, end).indexOf('@') >= 0;
    }

    /** True in the {@code production} profile ({@code QUARKUS_PROFILE=production}) unless overridden. */
    static boolean requireVerifyFull() {
        try {
            return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue("ingest.tls.require-verify-full", Boolean.class).orElse(false);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static String readSecretFile(String variable, String file) {
        try {
            String s = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            // Secret volumes often end the value with a newline that is not part of it.
            return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException e) {
            throw new IngestException(ErrorCode.CONFIG, variable + " points to a file that cannot be read: " + file);
        }
    }

    /** Opens a connection; failures come back classified (auth and unknown host: exit 2; refused or dropped: retryable). */
    public Connection connect(String applicationName) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
        p.setProperty("tcpKeepAlive", "true");
        // Server-side prepared statements buy nothing here and complicate COPY-heavy sessions.
        p.setProperty("prepareThreshold", "0");
        if (sslmode != null) {
            p.setProperty("sslmode", sslmode);
        }
        if (sslrootcert != null) {
            p.setProperty("sslrootcert", sslrootcert);
        }
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw Failures.fromDatabase(role + " at " + redactedUrl(),
                    role.startsWith("source") ? ErrorCode.SOURCE_UNAVAILABLE : ErrorCode.WAREHOUSE_UNAVAILABLE, e);
        }
    }

    /** The URL with its credentials masked ({@link Redaction#url}). */
    public String redactedUrl() {
        return Redaction.url(url);
    }

    public Optional<String> sslmodeOpt() {
        return Optional.ofNullable(sslmode);
    }

    @Override
    public String toString() {
        return "DbSettings[" + role + ", url=" + redactedUrl() + ", user=" + user + ", password=" + Redaction.MASK
                + ", sslmode=" + sslmode + "]";
    }
}
