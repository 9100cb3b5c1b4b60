package com.shopflow.ingest.core.pg;

/** Values for COPY's text format: backslash, tab, newline and carriage return are backslash-escaped. */
public final class CopyText {
    private CopyText() {
    }

    public static String escape(String value) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        escape(b, value);
        return b.toString();
    }

    public static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
    }
}
