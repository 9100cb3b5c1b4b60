package com.shopflow.ingest.testkit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a field from a task's one-line JSON summary without a JSON library. */
public final class Json {
    private Json() {
    }

    public static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]+)").matcher(json);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    public static long longField(String json, String name) {
        String v = field(json, name);
        if (v == null) {
            throw new AssertionError("no field " + name + " in " + json);
        }
        return Long.parseLong(v.trim());
    }
}
