package com.shopflow.ingest.core.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Map;
import java.util.Optional;

/**
 * Every setting of the tasks. Each key can be set by environment ({@code ingest.landing.chunk-rows} is
 * {@code INGEST_LANDING_CHUNK_ROWS}); the contract's variables ({@code SOURCE_DB_URL}, ...) are mapped onto
 * these keys in each app's application.properties.
 */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /** The operational database (extract-db). */
    Db source();

    /** The warehouse every task lands in. */
    Db warehouse();

    Landing landing();

    Retry retry();

    /** Where the JSON run summary goes for Airflow's XCom sidecar, when that directory exists. */
    @WithDefault("/airflow/xcom/return.json")
    String xcomFile();

    Tls tls();

    interface Tls {
        /** Refuse database connections weaker than sslmode=verify-full (on in the production profile). */
        @WithDefault("false")
        boolean requireVerifyFull();
    }

    interface Db {
        /** JDBC URL, {@code jdbc:postgresql://host:port/db}. */
        Optional<String> url();

        Optional<String> user();

        /** Secret; never logged. */
        Optional<String> password();

        /** A file holding the password (Kubernetes secret volume); used when {@code password} is unset. */
        Optional<String> passwordFile();

        /** libpq-style sslmode: disable, allow, prefer, require, verify-ca, verify-full. */
        Optional<String> sslmode();

        /** Root certificate for verify-ca / verify-full. */
        Optional<String> sslrootcert();

        @WithDefault("10")
        int connectTimeoutSeconds();
    }

    interface Landing {
        /** Rows per durable checkpoint: a killed run re-reads at most this many rows. */
        @WithDefault("100000")
        int chunkRows();

        /**
         * Connections that COPY chunks at once (extract-db, land-files; extract-api stages on one): the warehouse
         * then parses and writes on that many cores. Chunks still commit in order, each with its checkpoint.
         * At most 8; each lane buffers up to 9 MiB.
         */
        @WithDefault("2")
        int lanes();

        /**
         * Partitions of an {@code --every} range landed at once, each lane on connections of its own (extract-db): while one
         * lane's publish runs its DDL on the warehouse, another stages rows. 1 lands them strictly one after the other.
         */
        @WithDefault("2")
        int rangeLanes();

        /** How long a run waits for another run of the same partition before giving up (retryable). */
        @WithDefault("60")
        int lockWaitSeconds();

        /** lock_timeout for the publish transaction: readers holding the table longer make it retry. */
        @WithDefault("30")
        int publishLockTimeoutSeconds();

        /** Log progress every this many seconds while extracting. */
        @WithDefault("10")
        int progressSeconds();

        /**
         * Raw tables that keep {@code raw_current.<table>} (the latest version of each key), updated in each publish
         * transaction; {@code none} for no table. {@code INGEST_CURRENT_<TABLE>=on|off} overrides it for one table.
         */
        @WithDefault("orders,customers,order_items,products,marketplace_orders")
        java.util.List<String> currentTables();

        /** Schema-change policy per raw table: {@code ingest.landing.schema-policy.orders=fail|null-fill|cast}. */
        Map<String, String> schemaPolicy();
    }

    interface Retry {
        /** Attempts inside one run for transient failures (connection drops, 5xx, server restarts). */
        @WithDefault("6")
        int maxAttempts();

        @WithDefault("500")
        long baseMillis();

        @WithDefault("30000")
        long capMillis();
    }
}
