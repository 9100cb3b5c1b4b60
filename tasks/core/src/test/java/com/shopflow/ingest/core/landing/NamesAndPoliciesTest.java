package com.shopflow.ingest.core.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.pg.Identifiers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NamesAndPoliciesTest {
    static final Interval DAY = Interval.parse("2026-11-23T00:00:00Z", "2026-11-24T00:00:00Z");

    @Test
    void partitionNamesAreDeterministicAndFitPostgresLimits() {
        PartitionNames n = PartitionNames.of("orders", DAY);
        assertEquals("orders__20261123T000000Z__20261124T000000Z", n.published());
        assertEquals("stage__orders__20261123T000000Z__20261124T000000Z", n.staging());
        PartitionNames longer = PartitionNames.of("a_rather_long_table_name_for_events_é", DAY);
        assertTrue(longer.staging().getBytes(StandardCharsets.UTF_8).length <= 63, longer.staging());
        assertNotEquals(longer.staging(), PartitionNames.of("a_rather_long_table_name_for_events_è", DAY).staging(),
                "shortened names stay distinct");
    }

    @Test
    void identifiersAreQuotedAndEscapedNeverTruncated() {
        assertEquals("\"x\"\"; DROP TABLE canary;--\"", Identifiers.quote("x\"; DROP TABLE canary;--"));
        assertEquals("'it''s'", Identifiers.literal("it's"));
        assertThrows(IngestException.class, () -> Identifiers.quote(""));
        assertThrows(IngestException.class, () -> Identifiers.quote("x".repeat(64)));
        assertThrows(IngestException.class, () -> Identifiers.quote("a\0b"));
    }

    @Test
    void schemaPolicyComesFromEnvironmentThenConfigurationThenFail() {
        assertEquals(SchemaPolicy.FAIL, SchemaPolicy.forTable("orders", Map.of(), Map.of()));
        assertEquals(SchemaPolicy.CAST, SchemaPolicy.forTable("orders", Map.of("orders", "cast"), Map.of()));
        assertEquals(SchemaPolicy.NULL_FILL, SchemaPolicy.forTable("orders", Map.of("orders", "cast"),
                Map.of("INGEST_SCHEMA_POLICY_ORDERS", "null-fill")));
        assertEquals(ErrorCode.CONFIG, assertThrows(IngestException.class, () -> SchemaPolicy.parse("maybe")).code());
    }

    @Test
    void shapeFingerprintChangesWithAnyColumn() {
        Shape a = new Shape(List.of(new Column("id", "bigint"), new Column("x", "text")));
        assertEquals(a.fingerprint(), new Shape(List.of(new Column("id", "bigint"), new Column("x", "text"))).fingerprint());
        assertNotEquals(a.fingerprint(), new Shape(List.of(new Column("id", "bigint"), new Column("x", "varchar"))).fingerprint());
        assertNotEquals(a.fingerprint(), new Shape(List.of(new Column("x", "text"), new Column("id", "bigint"))).fingerprint());
    }
}
