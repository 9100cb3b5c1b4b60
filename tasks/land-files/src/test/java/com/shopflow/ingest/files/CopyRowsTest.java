package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyRowsTest {
    @Test
    void shouldEncodeBinaryCopyRowsKeepingEmptyAndNullApart() throws IOException {
        String in = "h1,h2,h3,h4\n\"a,\"\"b\"\"\",,5\" tv,\"\"\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvReader r = new CsvReader(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), 1024)) {
            r.next();
            r.next();
            CopyRows c = new CopyRows(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2000-01-02T00:00:00Z"));
            c.begin(out, "2026-11-23/f_01.csv");
            c.write(r, new int[] {0, 1, 2, -1, 3});
            c.finish();
        }
        DataInputStream d = new DataInputStream(new ByteArrayInputStream(out.toByteArray()));
        byte[] sig = d.readNBytes(11);
        assertEquals("PGCOPY\n", new String(sig, 0, 7, StandardCharsets.US_ASCII));
        assertEquals(0, d.readInt());
        assertEquals(0, d.readInt());
        assertEquals(9, d.readShort());
        List<String> text = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int len = d.readInt();
            text.add(len < 0 ? null : new String(d.readNBytes(len), StandardCharsets.UTF_8));
        }
        assertEquals(Arrays.asList("a,\"b\"", "", "5\" tv", null, "", "2026-11-23/f_01.csv"), text);
        assertEquals(8, d.readInt());
        assertEquals(2L, d.readLong(), "the line");
        assertEquals(8, d.readInt());
        assertEquals(0L, d.readLong(), "start at PostgreSQL's epoch");
        assertEquals(8, d.readInt());
        assertEquals(86_400_000_000L, d.readLong());
        assertEquals(-1, d.readShort(), "trailer");
    }
}
