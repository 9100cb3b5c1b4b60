package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The canary test: a password (from a secret file) and a wrong password never appear in stdout, stderr (stack
 * traces included), JSON logs, lineage events, the XCom file, nor any row of the ledger tables.
 */
class SecretsIT {
    static final String WRONG_CANARY = "Wr0ng-canary-e3b0c442";

    @Test
    void noSecretAppearsAnywhere() throws Exception {
        SourceFixture f = new SourceFixture("secrets");
        f.orders(1, 300);
        Path dir = Files.createTempDirectory("secrets");
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, PostgresServer.PASSWORD + "\n");
        Path lineage = dir.resolve("lineage.jsonl");
        Path xcom = dir.resolve("xcom/return.json");
        List<String> outputs = new ArrayList<>();

        AppProcess ok = f.app().env("SOURCE_DB_PASSWORD", "").env("SOURCE_DB_PASSWORD_FILE", passwordFile.toString())
                .env("INGEST_LINEAGE_FILE", lineage.toString()).env("INGEST_XCOM_FILE", xcom.toString())
                .env("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
        AppProcess.Result landed = ok.run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--xcom", "--debug");
        assertEquals(0, landed.exitCode(), landed.toString());
        outputs.add(landed.stdout() + landed.stderr());

        AppProcess.Result wrong = ok.env("WAREHOUSE_DB_PASSWORD", WRONG_CANARY)
                .run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--debug");
        assertEquals(2, wrong.exitCode(), wrong.toString());
        outputs.add(wrong.stdout() + wrong.stderr());

        AppProcess.Result inUrl = ok.env("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:1/shop?password=" + PostgresServer.PASSWORD)
                .env("WAREHOUSE_DB_PASSWORD", PostgresServer.PASSWORD).env("INGEST_RETRY_MAX_ATTEMPTS", "1")
                .run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--debug");
        assertEquals(1, inUrl.exitCode(), inUrl.toString());
        outputs.add(inUrl.stdout() + inUrl.stderr());

        outputs.add(Files.readString(lineage));
        outputs.add(Files.readString(xcom));
        for (String table : List.of("load_run", "checkpoint", "partition", "schema_history")) {
            outputs.add(f.text(f.warehouse, "SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM _ingest." + table + " t"));
        }
        assertTrue(outputs.get(3).contains("\"eventType\":\"COMPLETE\""), "lineage was written");
        assertTrue(outputs.get(4).contains("\"outcome\":"), "xcom was written (by the last run)");
        for (String o : outputs) {
            assertFalse(o.contains(PostgresServer.PASSWORD), "the password leaked:\n" + o);
            assertFalse(o.contains(WRONG_CANARY), "the wrong password leaked:\n" + o);
        }
    }

    /** A password and an expression-looking secret: taken literally, hidden everywhere, also inside URLs (issue 15, 1 and 2). */
    static final String EXPRESSION_CANARY = "Pw${HOME}x$${USER}\\${PATH}${a:-b}-canary-91c3";
    static final String URL_CANARY = "Url-canary-5d1a";

    @Test
    void urlCredentialsAndExpressionSecretsStayLiteralAndHidden() throws Exception {
        SourceFixture f = new SourceFixture("secrets_literal");
        f.orders(1, 50);
        f.sql(f.source, "CREATE ROLE literal_reader LOGIN PASSWORD '" + EXPRESSION_CANARY + "'; GRANT SELECT ON orders TO literal_reader");
        Path dir = Files.createTempDirectory("secrets-literal");
        Path lineage = dir.resolve("lineage.jsonl");
        Path passwordFile = dir.resolve("password");
        Files.writeString(passwordFile, EXPRESSION_CANARY + "\n");
        List<String> outputs = new ArrayList<>();

        // The secret logs in exactly as written, from the environment and from the *_FILE form alike.
        AppProcess literal = f.app().env("SOURCE_DB_USER", "literal_reader").env("SOURCE_DB_PASSWORD", EXPRESSION_CANARY)
                .env("INGEST_LINEAGE_FILE", lineage.toString());
        AppProcess.Result landed = literal.run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--debug");
        assertEquals(0, landed.exitCode(), landed.toString());
        outputs.add(landed.stdout() + landed.stderr());
        AppProcess.Result fromFile = literal.env("SOURCE_DB_PASSWORD", "").env("SOURCE_DB_PASSWORD_FILE", passwordFile.toString())
                .run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--debug");
        assertEquals(0, fromFile.exitCode(), fromFile.toString());
        outputs.add(fromFile.stdout() + fromFile.stderr());

        // user:password@ in either URL (the warehouse URL also names the lineage output), and credential parameters.
        String wh = f.pg.jdbcUrl(f.warehouse);
        for (String[] env : List.of(
                new String[] {"WAREHOUSE_DB_URL", wh.replace("jdbc:postgresql://", "jdbc:postgresql://postgres:" + URL_CANARY + "@")},
                new String[] {"SOURCE_DB_URL", f.pg.jdbcUrl(f.source).replace("jdbc:postgresql://", "jdbc:postgresql://" + URL_CANARY + "@")},
                new String[] {"WAREHOUSE_DB_URL", wh + "?sslpassword=" + URL_CANARY + "&ApplicationName=x"})) {
            AppProcess.Result r = f.app().env("INGEST_LINEAGE_FILE", lineage.toString()).env(env[0], env[1])
                    .env("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true")
                    .run("--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString(), "--debug");
            outputs.add(r.stdout() + r.stderr());
            if (env[1].contains("@")) {
                assertEquals(2, r.exitCode(), r.toString());
            }
        }
        outputs.add(Files.readString(lineage));
        for (String table : List.of("load_run", "checkpoint", "partition", "schema_history")) {
            outputs.add(f.text(f.warehouse, "SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM _ingest." + table + " t"));
        }
        assertTrue(outputs.get(outputs.size() - 5).contains("postgres://"), "lineage was written");
        for (String o : outputs) {
            assertFalse(o.contains(EXPRESSION_CANARY), "the password leaked:\n" + o);
            assertFalse(o.contains(URL_CANARY), "the URL's password leaked:\n" + o);
            assertFalse(o.contains("canary-91c3"), "a part of the password leaked:\n" + o);
        }
    }
}
