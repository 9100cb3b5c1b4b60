package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY2;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.LandingTask;
import java.time.Instant;
import java.util.OptionalInt;

/** extract-db under the landing contract: a day of 15000 orders in chunks of 1000, read from a real source database. */
final class OrdersLanding implements LandingTask {
    static final int PER_DAY = 15000;
    static final int CHUNK = 1000;
    private SourceFixture f;

    @Override
    public String name() {
        return "extract-db";
    }

    @Override
    public String target() {
        return "raw.orders";
    }

    @Override
    public Instant intervalStart() {
        return DAY1;
    }

    @Override
    public Instant intervalEnd() {
        return DAY2;
    }

    @Override
    public String warehouseDatabase() {
        return f.warehouse;
    }

    @Override
    public String[] args() {
        return ExtractDbIT.args("orders", DAY1, DAY2);
    }

    @Override
    public void prepareSource() throws Exception {
        f = new SourceFixture("contract");
        f.orders(1, PER_DAY);
    }

    @Override
    public AppProcess app(int warehousePort, int sourcePort) {
        return f.app().env("INGEST_LANDING_CHUNK_ROWS", Integer.toString(CHUNK))
                .env("SOURCE_DB_URL", "jdbc:postgresql://127.0.0.1:" + sourcePort + "/" + f.source)
                .env("WAREHOUSE_DB_URL", "jdbc:postgresql://127.0.0.1:" + warehousePort + "/" + f.warehouse)
                // About twenty short runs: the C1 compiler alone starts faster.
                .jvmOption("-XX:TieredStopAtLevel=1").jvmOption("-XX:+UseSerialGC");
    }

    @Override
    public OptionalInt sourcePort() {
        return OptionalInt.of(f.pg.port());
    }

    @Override
    public int chunks() {
        return PER_DAY / CHUNK;
    }

    @Override
    public String truth() throws Exception {
        return f.sourceTruth("orders", ExtractDbIT.ORDER_COLS, DAY1, DAY2);
    }

    @Override
    public String landed() throws Exception {
        return f.landed("orders", ExtractDbIT.ORDER_COLS, DAY1, DAY2);
    }

    @Override
    public String partition() throws Exception {
        return f.partition("orders", DAY1, DAY2);
    }
}
