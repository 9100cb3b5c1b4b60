package com.shopflow.ingest.simulator.db;

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
import java.util.Properties;
import picocli.CommandLine.Option;

/** Connection options of {@code simulator db}; the password comes from an environment variable or a file, never argv. */
public final class DbLogin {
    @Option(names = "--url", defaultValue = "${env:SOURCE_DB_URL}", description = "JDBC URL (default: $SOURCE_DB_URL)")
    String url;

    @Option(names = "--user", defaultValue = "${env:SOURCE_DB_USER}", description = "user (default: $SOURCE_DB_USER)")
    String user;

    @Option(names = "--password-env", defaultValue = "SOURCE_DB_PASSWORD", paramLabel = "VAR",
            description = "environment variable holding the password (default: ${DEFAULT-VALUE})")
    String passwordEnv;

    @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the password (instead of --password-env)")
    Path passwordFile;

    /** Reads the password from the file or the variable; a missing one is a configuration error (exit 2). */
    public static String password(Path file, String variable) {
        String p;
        if (file != null) {
            try {
                String s = Files.readString(file, StandardCharsets.UTF_8);
                // Secret volumes often end the value with a newline that is not part of it.
                p = s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
            } catch (IOException e) {
                throw new IngestException(ErrorCode.CONFIG, "cannot read the password file " + file);
            }
        } else {
            p = System.getenv(variable);
            if (p == null) {
                throw new IngestException(ErrorCode.CONFIG, "the environment variable " + variable
                        + " holding the password is not set (see --password-env, --password-file)");
            }
        }
        Redaction.register(p);
        return p;
    }

    Connection connect() {
        if (url == null || url.isBlank() || !url.startsWith("jdbc:postgresql:")) {
            throw new IngestException(ErrorCode.USAGE, "--url must be a jdbc:postgresql:// URL (or set SOURCE_DB_URL)");
        }
        if (user == null || user.isBlank()) {
            throw new IngestException(ErrorCode.USAGE, "--user is required (or set SOURCE_DB_USER)");
        }
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password(passwordFile, passwordEnv));
        p.setProperty("ApplicationName", "shopflow-simulator");
        try {
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            int q = url.indexOf('?');
            throw Failures.fromDatabase("database at " + (q < 0 ? url : url.substring(0, q)), ErrorCode.SOURCE_UNAVAILABLE, e);
        }
    }
}
