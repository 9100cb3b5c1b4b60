package com.shopflow.ingest.simulator.files;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** An RFC 4180 file being written in memory (CRLF line ends), counting physical lines as it goes. */
final class CsvFile {
    private static final byte[] CRLF = {'\r', '\n'};
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int line = 1;

    /** Writes one record; returns the line it starts on. */
    int record(List<String> values) {
        StringBuilder b = new StringBuilder();
        int newlines = 0;
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String v = values.get(i);
            b.append(field(v));
            newlines += (int) v.chars().filter(ch -> ch == '\n').count();
        }
        return raw(b.toString().getBytes(StandardCharsets.UTF_8), newlines);
    }

    /** Writes prepared bytes as one record (without embedded newlines) and its CRLF. */
    int raw(byte[] bytes, int embeddedNewlines) {
        int start = line;
        out.writeBytes(bytes);
        out.writeBytes(CRLF);
        line += 1 + embeddedNewlines;
        return start;
    }

    /** Writes text with no line end, as a cut upload leaves it; returns its line. */
    int tail(String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        return line;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** Quotes a value when it holds a comma, a quote, a line break or edge spaces; quotes inside are doubled. */
    static String field(String v) {
        boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0
                || (!v.isEmpty() && (v.charAt(0) == ' ' || v.charAt(v.length() - 1) == ' '));
        return quote ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
