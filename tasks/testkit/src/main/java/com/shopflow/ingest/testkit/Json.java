package com.shopflow.ingest.testkit;

import java.util.ArrayList;
import java.util.List;
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

    /** The keys of the top-level object, in order (to check a summary against its schema). */
    public static List<String> keys(String json) {
        List<String> keys = new ArrayList<>();
        int depth = 0;
        boolean expectKey = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"') {
                int end = i + 1;
                StringBuilder s = new StringBuilder();
                for (; json.charAt(end) != '"'; end++) {
                    if (json.charAt(end) == '\\') {
                        end++;
                    }
                    s.append(json.charAt(end));
                }
                if (depth == 1 && expectKey) {
                    keys.add(s.toString());
                    expectKey = false;
                }
                i = end;
            } else if (c == '{' || c == '[') {
                depth++;
                expectKey = depth == 1;
            } else if (c == '}' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 1) {
                expectKey = true;
            }
        }
        return keys;
    }

    public static long longField(String json, String name) {
        String v = field(json, name);
        if (v == null) {
            throw new AssertionError("no field " + name + " in " + json);
        }
        return Long.parseLong(v.trim());
    }
}
