package com.shopflow.ingest.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.simulator.api.ApiCounters;
import com.shopflow.ingest.simulator.api.ApiFaults;
import com.shopflow.ingest.simulator.api.ProductsApiServer;
import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.LandingContract;
import com.shopflow.ingest.testkit.LandingTask;
import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The shared landing contract for extract-api, and its own faults: a 429 storm and a 5xx storm with dropped
 * connections, each shown to have happened by the simulator's counters. (The expired cursor is in ExtractApiResumeIT.)
 */
class LandingContractIT extends LandingContract {
    /** Every 4th request a 5xx, every 6th cut halfway, and a few more at random: never eight in a row for a page. */
    static final ApiFaults STORM = ProductsLanding.DUPLICATES.withErrors(0.1, 4).withDrops(0.05, 6);
    private final ProductsLanding products = new ProductsLanding();

    @Override
    protected LandingTask task() {
        return products;
    }

    @Test
    @Order(50)
    void duplicateItemsAreRemoved() throws Exception {
        scenario(false);
        try (Statement s = warehouse().createStatement();
             ResultSet rs = s.executeQuery("SELECT duplicates_removed FROM _ingest.load_run WHERE attempt = 1")) {
            rs.next();
            assertTrue(rs.getLong(1) > 0, "the first landing removed the API's duplicate items");
        }
    }

    @Test
    @Order(51)
    void aRateLimitStormIsWaitedOut() throws Exception {
        scenario(true);
        try (ProductsApiServer limited = ProductsApiServer.start(ApiHarness.catalog().withRateLimit(6, Duration.ofSeconds(1))
                .withFaults(ProductsLanding.DUPLICATES))) {
            AppProcess.Result r = products.app(PostgresServer.shared().port(), limited.port()).run(Duration.ofMinutes(3), products.args());
            LoadRun row = claim("429 storm", 1).get(0);
            assertTrue(limited.counters().rateLimited() > 0, "the API answered 429: " + limited.counters());
            faultObserved();
            assertEquals(0, r.exitCode(), r.toString());
            succeeded(row, r);
        }
        assertLandsTheTruth("429 storm");
    }

    @Test
    @Order(52)
    void aServerErrorStormWithDroppedConnectionsIsRetried() throws Exception {
        scenario(true);
        ApiCounters before = products.api.counters();
        products.api.setFaults(STORM);
        AppProcess.Result r;
        try {
            r = products.app().run(Duration.ofMinutes(3), products.args());
        } finally {
            products.api.setFaults(ProductsLanding.DUPLICATES);
        }
        ApiCounters after = products.api.counters();
        LoadRun row = claim("5xx storm", 1).get(0);
        assertTrue(after.serverErrors() > before.serverErrors() && after.dropped() > before.dropped(),
                "the API failed requests and dropped connections: " + before + " -> " + after);
        faultObserved();
        assertEquals(0, r.exitCode(), r.toString());
        succeeded(row, r);
        assertLandsTheTruth("5xx storm with dropped connections");
    }
}
