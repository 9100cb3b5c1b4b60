package com.shopflow.ingest.files;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Where staging of a partition stands, saved as the checkpoint position: the exact set of files planned
 * (a digest of their names and sha256), the file being read and how many of its records were staged, and
 * the good/bad row counts of every file started. A resume under another file set starts over.
 *
 * @param plan    digest of the planned files (names and contents)
 * @param file    index of the file being read; files before it are complete
 * @param records records of that file consumed so far, header included
 * @param line    the line after the last consumed record (for people reading the checkpoint)
 * @param counts  per started file: rows staged and rows quarantined
 */
record StagePosition(String plan, int file, long records, long line, List<FileCount> counts) {

    /** Good and bad rows of one file. */
    record FileCount(long good, long bad) {
        double badShare() {
            return good + bad == 0 ? 0 : (double) bad / (good + bad);
        }
    }

    StagePosition {
        counts = List.copyOf(counts);
    }

    static StagePosition start(String plan) {
        return new StagePosition(plan, 0, 0, 1, List.of());
    }

    /** The position in a checkpoint, or null when there is none or it is not one of ours. */
    static StagePosition parse(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            if (n == null || !n.hasNonNull("plan")) {
                return null;
            }
            List<FileCount> counts = new ArrayList<>();
            for (JsonNode c : n.path("counts")) {
                counts.add(new FileCount(c.path(0).asLong(), c.path(1).asLong()));
            }
            return new StagePosition(n.get("plan").asText(), n.path("file").asInt(), n.path("records").asLong(),
                    n.path("line").asLong(), counts);
        } catch (Exception e) {
            return null;
        }
    }

    FileCount count(int index) {
        return index < counts.size() ? counts.get(index) : new FileCount(0, 0);
    }

    /** This position with file {@code index}'s count replaced (or appended). */
    StagePosition advance(int nextFile, long nextRecords, long nextLine, int index, FileCount count) {
        List<FileCount> c = new ArrayList<>(counts);
        while (c.size() <= index) {
            c.add(new FileCount(0, 0));
        }
        c.set(index, count);
        return new StagePosition(plan, nextFile, nextRecords, nextLine, c);
    }

    long totalBad() {
        return counts.stream().mapToLong(FileCount::bad).sum();
    }

    String toJson() {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("plan", plan);
        n.put("file", file);
        n.put("records", records);
        n.put("line", line);
        ArrayNode a = n.putArray("counts");
        for (FileCount c : counts) {
            a.addArray().add(c.good()).add(c.bad());
        }
        return n.toString();
    }
}
