package com.shopflow.ingest.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** The failure table: the side comes from the caller, the code from SQLState, HTTP status or exception type. */
class FailuresTest {
    @Test
    void theSideNamesThePartyAndTheUnavailableCode() {
        SQLException dropped = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        IngestException source = Failures.classify(Failures.Side.SOURCE_DB, dropped);
        IngestException warehouse = Failures.classify(Failures.Side.WAREHOUSE, dropped);
        assertEquals(ErrorCode.SOURCE_UNAVAILABLE, source.code());
        assertTrue(source.getMessage().startsWith("source database is unavailable"), source.getMessage());
        assertEquals(ErrorCode.WAREHOUSE_UNAVAILABLE, warehouse.code());
        assertTrue(warehouse.getMessage().startsWith("warehouse is unavailable"), warehouse.getMessage());
        // The same message with "COPY ... FROM STDIN" in it says nothing about the side.
        SQLException copy = new SQLException("COPY x FROM STDIN failed: connection reset", "08006");
        assertEquals(ErrorCode.SOURCE_UNAVAILABLE, Failures.classify(Failures.Side.SOURCE_DB, copy).code());
    }

    @Test
    void sqlStatesDecide() {
        assertEquals(ErrorCode.AUTH, Failures.classify(Failures.Side.WAREHOUSE, new SQLException("no", "28P01")).code());
        assertEquals(ErrorCode.DATA, Failures.classify(Failures.Side.WAREHOUSE, new SQLException("bad", "22P02")).code());
        assertEquals(ErrorCode.DATA, Failures.classify(Failures.Side.WAREHOUSE, new SQLException("deep", "54001")).code());
        assertEquals(ErrorCode.WAREHOUSE_UNAVAILABLE, Failures.classify(Failures.Side.WAREHOUSE, new SQLException("x", "57P01")).code());
        assertEquals(ErrorCode.INTERNAL, Failures.classify(Failures.Side.WAREHOUSE, new SQLException("x", "42601")).code());
        assertTrue(Failures.retriedInRun(new SQLException("x", "40P01")));
        assertFalse(Failures.retriedInRun(new SQLException("x", "22P02")));
        assertFalse(Failures.retriedInRun(new SQLException("x", "42601")));
    }

    @Test
    void filesAndIo() {
        assertEquals(ErrorCode.NOT_READY, Failures.classify(Failures.Side.FILE, new IOException("stale file handle")).code());
        assertEquals(ErrorCode.INTERNAL, Failures.classify(Failures.Side.FILE, new IllegalStateException("bug")).code());
        assertTrue(Failures.retriedInRun(new ConnectException("refused")));
        assertTrue(Failures.retriedInRun(new IngestException(ErrorCode.LOCKED, "held")));
        assertFalse(Failures.retriedInRun(new IngestException(ErrorCode.NOT_READY, "no _DONE")));
        assertFalse(Failures.retriedInRun(new IngestException(ErrorCode.DATA, "bad")));
    }

    @Test
    void httpStatuses() {
        assertEquals(ErrorCode.AUTH, Failures.httpStatus(401));
        assertEquals(ErrorCode.AUTH, Failures.httpStatus(403));
        assertEquals(ErrorCode.SOURCE_UNAVAILABLE, Failures.httpStatus(503));
        assertEquals(ErrorCode.SOURCE_UNAVAILABLE, Failures.httpStatus(408));
        assertEquals(ErrorCode.SOURCE_UNAVAILABLE, Failures.httpStatus(429));
        assertEquals(ErrorCode.CONFIG, Failures.httpStatus(404));
    }
}
