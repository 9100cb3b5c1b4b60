package com.shopflow.ingest.testkit;

import java.time.Instant;
import java.util.OptionalInt;

/**
 * A task under the landing contract suite ({@link LandingContract}): how to feed its source, how to run its packaged
 * jar, and what it must land. Each task module implements it in its test sources.
 */
public interface LandingTask extends AutoCloseable {
    /** The task's name, for messages: extract-db, extract-api, land-files. */
    String name();

    /** The raw table it lands, as the ledger names it: {@code raw.orders}. */
    String target();

    Instant intervalStart();

    Instant intervalEnd();

    /** The warehouse database (on {@link PostgresServer#shared()}) the task lands into. */
    String warehouseDatabase();

    /** The command line of one run of the interval. */
    String[] args();

    /** Sets up the source (database rows, the API simulator, a file drop); called once, before any run. */
    void prepareSource() throws Exception;

    /**
     * The packaged app with its environment, its chunks small enough that a run stages {@link #chunks()} of them,
     * reaching the warehouse on {@code warehousePort} and its source on {@code sourcePort} (both on 127.0.0.1;
     * ignored where the source is not a connection). Every attempt must open a ledger row (no "unchanged" skip).
     */
    AppProcess app(int warehousePort, int sourcePort);

    /** The app on the direct routes. */
    default AppProcess app() {
        return app(PostgresServer.shared().port(), sourcePort().orElse(0));
    }

    /** The source's TCP port, for a proxy in front of it; empty where the source is not a connection (files). */
    OptionalInt sourcePort();

    /** Chunks an uninterrupted run stages (roughly: the kill points are chosen below it). */
    int chunks();

    /** Checksum of what the run must land, from the source, independent of the task's code. */
    String truth() throws Exception;

    /** The same checksum over what is landed now. */
    String landed() throws Exception;

    /**
     * Checksum of all the task published for the interval, metadata columns included (and its own bookkeeping of the
     * interval, such as the quarantine and the file ledger): equal strings mean identical landings.
     */
    String partition() throws Exception;

    @Override
    default void close() throws Exception {
    }
}
