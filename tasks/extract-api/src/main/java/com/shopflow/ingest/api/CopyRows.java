package com.shopflow.ingest.api;

import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.pg.CopyText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes items as COPY text-format rows: {@code id, updated_at, payload, _interval_start, _interval_end}. */
final class CopyRows {
    static final List<String> COLUMNS = List.of("id", "updated_at", "payload", "_interval_start", "_interval_end");

    private CopyRows() {
    }

    static long write(OutputStream out, List<Page> pages, Interval interval) throws IOException {
        String tail = "\t" + interval.start() + "\t" + interval.end() + "\n";
        long rows = 0;
        StringBuilder b = new StringBuilder(64 * 1024);
        for (Page p : pages) {
            for (Item it : p.items()) {
                b.append(it.id()).append('\t').append(it.updatedAt()).append('\t');
                CopyText.escape(b, it.json()); // JSON may hold tabs and line breaks as whitespace
                b.append(tail);
                rows++;
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            b.setLength(0);
        }
        return rows;
    }
}
