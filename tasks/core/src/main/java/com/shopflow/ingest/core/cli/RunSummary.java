package com.shopflow.ingest.core.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.Interval;

/**
 * The one JSON object a run prints as its last line on stdout (and hands to Airflow as XCom). Built with
 * Jackson's tree model: no reflection, so it works the same in a native image.
 */
public final class RunSummary {
    static final ObjectMapper JSON = new ObjectMapper();
    private final ObjectNode node = JSON.createObjectNode();

    public RunSummary(String task, String target, Interval interval) {
        node.put("task", task);
        node.put("target", target);
        if (interval != null) {
            ObjectNode i = node.putObject("interval");
            i.put("start", interval.start().toString());
            i.put("end", interval.end().toString());
        }
    }

    public RunSummary put(String key, long value) {
        node.put(key, value);
        return this;
    }

    public RunSummary put(String key, String value) {
        node.put(key, value);
        return this;
    }

    public RunSummary put(String key, boolean value) {
        node.put(key, value);
        return this;
    }

    public ObjectNode node() {
        return node;
    }

    public String toJson() {
        return node.toString();
    }
}
