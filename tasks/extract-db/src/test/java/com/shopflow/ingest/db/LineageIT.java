package com.shopflow.ingest.db;

import static com.shopflow.ingest.db.SourceFixture.DAY1;
import static com.shopflow.ingest.db.SourceFixture.DAY2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** OpenLineage events reach a real HTTP receiver: START then COMPLETE (or FAIL), with datasets, partition and rows. */
class LineageIT {
    @Test
    void eachRunSendsStartAndCompleteOrFail() throws Exception {
        SourceFixture f = new SourceFixture("lineage");
        f.orders(1, 100);
        List<String> events = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/api/v1/lineage", ex -> {
            events.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(201, -1);
            ex.close();
        });
        receiver.start();
        try {
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/api/v1/lineage";
            assertEquals(0, f.app().env("INGEST_LINEAGE_URL", url).run(ExtractDbIT.args("orders", DAY1, DAY2)).exitCode());
            assertEquals(2, events.size(), events.toString());
            assertTrue(events.get(0).contains("\"eventType\":\"START\""), events.get(0));
            String complete = events.get(1);
            assertTrue(complete.contains("\"eventType\":\"COMPLETE\""), complete);
            assertTrue(complete.contains("\"name\":\"" + f.source + ".public.orders\""), "input dataset: " + complete);
            assertTrue(complete.contains("\"name\":\"" + f.warehouse + ".raw.orders\""), "output dataset: " + complete);
            assertTrue(complete.contains("\"intervalStart\":\"" + DAY1 + "\""), "partition facet: " + complete);
            long rows = f.scalar(f.warehouse, "SELECT count(*) FROM raw.orders");
            assertTrue(complete.contains("\"rowCount\":" + rows), "row count: " + complete);

            // verify reads raw.orders and writes nothing: an event would record it as a job that produced the table.
            events.clear();
            assertEquals(0, f.app().env("INGEST_LINEAGE_URL", url)
                    .run("verify", "--table", "orders", "--start", DAY1.toString(), "--end", DAY2.toString()).exitCode());
            assertEquals(List.of(), events);

            assertEquals(2, f.app().env("INGEST_LINEAGE_URL", url).env("INGEST_SCHEMA_POLICY_ORDERS", "bogus")
                    .run(ExtractDbIT.args("orders", DAY1, DAY2)).exitCode());
            assertTrue(events.get(events.size() - 1).contains("\"eventType\":\"FAIL\""), events.toString());
        } finally {
            receiver.stop(0);
        }
    }
}
