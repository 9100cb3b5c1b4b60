package com.shopflow.ingest.simulator.files;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What landing one day of the drop must give.
 *
 * <p>Dedup rule: one row per {@code order_ref}. Files are taken in ascending sequence {@code NN} and lines in
 * file order; a later copy replaces an earlier one, so the copy from the highest {@code NN} wins and, within one
 * file, the later line wins. Bad records ({@link FileTruth#badRows()}) are never rows. A re-delivered file
 * replaces its earlier content entirely.
 *
 * @param rows        the expected landed rows by order_ref: column name (as in the file's header) to the value
 *                    exactly as written
 * @param done        whether the folder has {@code _DONE} (without it the day must not be landed)
 * @param strayFiles  files in the folder that are not part of the delivery
 */
public record DayTruth(LocalDate day, boolean done, List<FileTruth> files, List<String> strayFiles,
                       Map<String, Map<String, String>> rows) {

    public int expectedRows() {
        return rows.size();
    }

    public int badRows() {
        return files.stream().mapToInt(f -> f.badRows().size()).sum();
    }

    public ObjectNode toJson(boolean withRows) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode n = f.objectNode();
        n.put("day", day.toString());
        n.put("done", done);
        n.put("expected_rows", expectedRows());
        n.put("bad_rows", badRows());
        ArrayNode fs = n.putArray("files");
        for (FileTruth t : files) {
            ObjectNode o = fs.addObject();
            o.put("name", t.name());
            o.put("gzip", t.gzip());
            o.put("data_rows", t.dataRows());
            ArrayNode h = o.putArray("header");
            t.header().forEach(h::add);
            ArrayNode bad = o.putArray("bad_rows");
            t.badRows().forEach(b -> bad.addObject().put("line", b.line()).put("reason", b.reason()));
        }
        ArrayNode stray = n.putArray("stray_files");
        strayFiles.forEach(stray::add);
        if (withRows) {
            ObjectNode rs = n.putObject("rows");
            rows.forEach((ref, row) -> {
                ObjectNode r = rs.putObject(ref);
                row.forEach(r::put);
            });
        }
        return n;
    }
}
