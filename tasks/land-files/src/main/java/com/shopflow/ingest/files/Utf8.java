package com.shopflow.ingest.files;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 validation of one record: overlong forms, surrogates and truncated sequences are errors, as
 * PostgreSQL would reject them. Records that are pure ASCII (the common case) skip the decoder.
 */
final class Utf8 {
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer chars = CharBuffer.allocate(8192);

    /** Offset of the first invalid byte in {@code bytes[0, len)}, or -1 when it is valid UTF-8. */
    int firstInvalid(byte[] bytes, int len) {
        if (chars.capacity() < len) {
            chars = CharBuffer.allocate(Math.max(len, chars.capacity() * 2));
        }
        chars.clear();
        decoder.reset();
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, len);
        CoderResult r = decoder.decode(in, chars, true);
        if (r.isError()) {
            return in.position();
        }
        r = decoder.flush(chars);
        return r.isError() ? in.position() : -1;
    }
}
