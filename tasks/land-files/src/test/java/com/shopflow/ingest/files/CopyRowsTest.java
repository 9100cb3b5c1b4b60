package com.shopflow.ingest.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.shopflow.ingest.core.landing.KeyHashes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CopyRowsTest {
    @Test
    void shouldPassRecordsThroughAsWrittenAndRequoteLiteralQuotes() throws IOException {
        String in = "order_ref,h2,h3,h4\n\"a,\"\"b\"\"\",,\"x\r\ny\",\"\"\nMP-2,5\" tv,,\r\n\"MP-2\",ok,\"\",z";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        KeyHashes keys = KeyHashes.standard();
        try (CsvReader r = new CsvReader(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), 1024)) {
            r.next();
            CopyRows c = new CopyRows(keys);
            c.begin(out);
            while (r.next()) {
                c.write(r, 0);
            }
            c.finish();
        }
        assertEquals("\"a,\"\"b\"\"\",,\"x\r\ny\",\"\",2\n"
                + "MP-2,\"5\"\" tv\",,,4\n"
                + "\"MP-2\",ok,\"\",z,5\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(1, keys.repeated().size(), "a quoted key is the same key as the unquoted one");
        assertEquals(3, keys.count());
    }

    @Test
    void shouldHashLongKeysByTheirWholeValue() throws IOException {
        String key = "K".repeat(5_000);
        String in = "order_ref,v\n" + key + ",1\n\"" + key + "\",2\n" + key + "X,3\n";
        KeyHashes keys = KeyHashes.standard();
        try (CsvReader r = new CsvReader(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), 1 << 16)) {
            r.next();
            CopyRows c = new CopyRows(keys);
            c.begin(new ByteArrayOutputStream());
            while (r.next()) {
                c.write(r, 0);
            }
        }
        assertEquals(1, keys.repeated().size(), "the same long key, quoted or not, is one key; a longer one is another");
    }
}
