package com.shopflow.ingest.db;

import com.shopflow.ingest.testkit.LandingContract;
import com.shopflow.ingest.testkit.LandingTask;

/** The shared landing contract (kills, cuts on both sides, two attempts at once, re-run, ledger) for extract-db. */
class LandingContractIT extends LandingContract {
    @Override
    protected LandingTask task() {
        return new OrdersLanding();
    }
}
