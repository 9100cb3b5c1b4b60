package com.shopflow.ingest.files;

import static com.shopflow.ingest.files.MarketplaceOrdersLanding.second;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.testkit.AppProcess;
import com.shopflow.ingest.testkit.Checkpoints;
import com.shopflow.ingest.testkit.Json;
import com.shopflow.ingest.testkit.LandingContract;
import com.shopflow.ingest.testkit.LandingTask;
import com.shopflow.ingest.testkit.PostgresServer;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The shared landing contract for land-files, and its own faults: a corrected file re-delivered under the same name
 * after a publish, after a killed run, and while a run reads the drop. Their truths are fresh landings of the
 * corrected drops; they run last, as they change what the partition must hold.
 */
class LandingContractIT extends LandingContract {
    private static final Duration RUN = Duration.ofMinutes(3);
    private final MarketplaceOrdersLanding orders = new MarketplaceOrdersLanding();
    private String truthV2;
    private String truthV3;

    @Override
    protected LandingTask task() {
        return orders;
    }

    @Test
    @Order(50)
    void theDropHoldsBadRowsAndDuplicates() throws Exception {
        scenario(false);
        try (Statement s = warehouse().createStatement(); ResultSet rs = s.executeQuery(
                "SELECT (SELECT count(*) FROM _ingest.quarantine WHERE target = 'raw.marketplace_orders'),"
                        + " duplicates_removed FROM _ingest.load_run WHERE attempt = 1")) {
            rs.next();
            assertTrue(rs.getLong(1) > 0, "bad rows are quarantined");
            assertTrue(rs.getLong(2) > 0, "the first landing removed duplicates");
        }
    }

    @Test
    @Order(80)
    void aCorrectedFileReDeliveredAfterThePublishIsLanded() throws Exception {
        scenario(true);
        truthV2 = MarketplaceOrdersLanding.freshLanding("lf_contract_v2", orders.drop, second(2));
        truthV3 = MarketplaceOrdersLanding.freshLanding("lf_contract_v3", orders.drop, second(3));
        assertTrue(!truthV2.equals(orders.truth()) && !truthV2.equals(truthV3), "the corrections change the landing");
        orders.redeliver(second(2));
        AppProcess.Result r = plain().run(RUN, orders.args());
        LoadRun row = claim("re-delivered after the publish", 1).get(0);
        assertEquals(0, r.exitCode(), r.toString());
        succeeded(row, r);
        assertEquals("1", Json.field(r.lastStdoutLine(), "changed"), "the run saw one changed file: " + r.lastStdoutLine());
        faultObserved();
        assertEquals(truthV2, orders.landed(), "the corrected file is landed");
    }

    @Test
    @Order(81)
    void aCorrectedFileReDeliveredAfterAKilledRunStartsStagingOver() throws Exception {
        scenario(true);
        AppProcess.Running killed = orders.app().start(orders.args());
        boolean wasKilled = Checkpoints.killAt(warehouse(), killed, 10);
        Checkpoint cp = checkpoint();
        LoadRun dead = claim("killed at 10 chunks before a re-delivery", 1).get(0);
        assertTrue(wasKilled, "the run ended before chunk 10");
        assertNotNull(cp, "the killed run left its checkpoint (it had not published)");
        orders.redeliver(second(3));
        AppProcess.Result r = plain().run(RUN, orders.args());
        LoadRun row = claim("re-delivered after a killed run", 1).get(0);
        assertEquals(0, r.exitCode(), r.toString());
        succeeded(row, r);
        assertEquals("ABANDONED", row(dead.runId()).errorCode(), "the next run took over the killed one");
        expect(dead.runId(), "ABANDONED");
        faultObserved();
        assertEquals(truthV3, orders.landed(), "the staged chunks of the old delivery are not kept");
    }

    @Test
    @Order(82)
    void aFileReDeliveredWhileARunReadsIsLandedWholeByTheRetry() throws Exception {
        scenario(true);
        AppProcess.Running reading = orders.app().start(orders.args());
        Checkpoints.await(warehouse(), reading, 4);
        assertTrue(reading.isAlive() && checkpoint() != null, "the run was mid-way when the file was replaced");
        orders.redeliver(second(2));
        faultObserved();
        AppProcess.Result r = reading.await(RUN);
        claim("the run reading during the re-delivery", 1);
        assertTrue(r.exitCode() == 0 || r.exitCode() == 1, "it lands what it planned or stops as not ready: " + r);
        r = plain().run(RUN, orders.args());
        LoadRun row = claim("the retry after the re-delivery", 1).get(0);
        assertEquals(0, r.exitCode(), r.toString());
        succeeded(row, r);
        assertEquals(truthV2, orders.landed(), "the retry lands what is on disk");
    }

    private AppProcess plain() {
        return orders.plain(PostgresServer.shared().port());
    }
}
