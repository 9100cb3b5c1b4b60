package com.shopflow.ingest.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A body decoded as UTF-8 without losing track of a single byte: each malformed sequence becomes one U+FFFD in
 * {@link #text}, and its position is kept, so that the items holding one are quarantined (with their original
 * bytes) instead of landing altered. Valid items re-encode to exactly the bytes received.
 */
final class Utf8Text {
    final byte[] bytes;
    final String text;
    private final int[] errorChar;
    private final int[] errorBytes;
    private final int errors;

    private Utf8Text(byte[] bytes, String text, int[] errorChar, int[] errorBytes, int errors) {
        this.bytes = bytes;
        this.text = text;
        this.errorChar = errorChar;
        this.errorBytes = errorBytes;
        this.errors = errors;
    }

    static Utf8Text decode(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b);
        // UTF-8 never yields more chars than bytes, and a malformed sequence (>= 1 byte) yields one U+FFFD.
        CharBuffer out = CharBuffer.allocate(b.length + 1);
        int[] at = new int[0];
        int[] len = new int[0];
        int n = 0;
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isError()) {
                if (n == at.length) {
                    at = Arrays.copyOf(at, Math.max(8, n * 2));
                    len = Arrays.copyOf(len, at.length);
                }
                at[n] = out.position();
                len[n] = r.length();
                n++;
                out.put('\uFFFD');
                in.position(in.position() + r.length());
            } else {
                d.flush(out);
                break;
            }
        }
        out.flip();
        return new Utf8Text(b, out.toString(), at, len, n);
    }

    /** The byte offset of the first malformed sequence in chars {@code [from, to)}, relative to {@code from}, or -1. */
    int firstError(int from, int to) {
        for (int i = 0; i < errors; i++) {
            if (errorChar[i] >= from && errorChar[i] < to) {
                return byteOffset(errorChar[i]) - byteOffset(from);
            }
        }
        return -1;
    }

    /** The received bytes of chars {@code [from, to)}. */
    byte[] bytes(int from, int to) {
        return Arrays.copyOfRange(bytes, byteOffset(from), byteOffset(to));
    }

    /** The byte offset of char {@code c}: its UTF-8 length, corrected where a U+FFFD stands for a malformed sequence. */
    private int byteOffset(int c) {
        int off = 0;
        for (int i = 0; i < c; i++) {
            char ch = text.charAt(i);
            off += ch < 0x80 ? 1 : ch < 0x800 ? 2 : Character.isSurrogate(ch) ? 2 : 3;
        }
        for (int i = 0; i < errors && errorChar[i] < c; i++) {
            off += errorBytes[i] - 3;
        }
        return off;
    }
}
