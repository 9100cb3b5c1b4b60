package com.shopflow.ingest.simulator.files;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.util.List;

/** The truth of a whole drop, one {@link DayTruth} per day in date order. */
public record DropManifest(List<DayTruth> days) {
    public DayTruth day(LocalDate day) {
        return days.stream().filter(d -> d.day().equals(day)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no day " + day + " in this drop"));
    }

    public int expectedRows() {
        return days.stream().mapToInt(DayTruth::expectedRows).sum();
    }

    public int badRows() {
        return days.stream().mapToInt(DayTruth::badRows).sum();
    }

    public ObjectNode toJson(boolean withRows) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("expected_rows", expectedRows());
        n.put("bad_rows", badRows());
        ArrayNode a = n.putArray("days");
        days.forEach(d -> a.add(d.toJson(withRows)));
        return n;
    }
}
