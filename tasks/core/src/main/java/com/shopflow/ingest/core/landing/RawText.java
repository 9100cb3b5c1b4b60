package com.shopflow.ingest.core.landing;

/**
 * Raw bytes of a bad record as text an operator can read and a tool can reverse: valid UTF-8 stays as it is,
 * a backslash becomes {@code \\}, control characters become {@code \n}, {@code \r}, {@code \t} or {@code \xNN},
 * and every byte that is not part of a valid UTF-8 sequence becomes {@code \xNN}.
 */
public final class RawText {
    private RawText() {
    }

    public static String escape(byte[] b, int len) {
        StringBuilder out = new StringBuilder(len + 16);
        int i = 0;
        while (i < len) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x7f) {
                            hex(out, c);
                        } else {
                            out.append((char) c);
                        }
                    }
                }
                i++;
                continue;
            }
            int n = sequenceLength(b, i, len);
            if (n == 0) {
                hex(out, c);
                i++;
            } else {
                out.append(new String(b, i, n, java.nio.charset.StandardCharsets.UTF_8));
                i += n;
            }
        }
        return out.toString();
    }

    /** Length of the valid UTF-8 sequence starting at {@code i}, or 0. */
    private static int sequenceLength(byte[] b, int i, int len) {
        int c = b[i] & 0xff;
        int n;
        int min;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            min = 0x10000;
        } else {
            return 0;
        }
        if (i + n > len) {
            return 0;
        }
        int cp = c & (0x7f >> n);
        for (int k = 1; k < n; k++) {
            int cc = b[i + k] & 0xff;
            if ((cc & 0xC0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        return n;
    }

    private static void hex(StringBuilder out, int c) {
        out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
    }
}
