package com.shopflow.ingest.files;

import com.shopflow.ingest.core.landing.RawText;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvReaderTest {

    /** A parsed record: fields as text, its line, its error. */
    record Rec(List<String> fields, long line, String error, boolean terminated) {
    }

    static List<Rec> parse(byte[] input, int maxRecord) throws IOException {
        return parse(new ByteArrayInputStream(input), maxRecord);
    }

    static List<Rec> parse(InputStream in, int maxRecord) throws IOException {
        List<Rec> out = new ArrayList<>();
        try (CsvReader r = new CsvReader(in, maxRecord)) {
            while (r.next()) {
                List<String> f = new ArrayList<>();
                for (int i = 0; i < r.fieldCount(); i++) {
                    f.add(r.text(i));
                }
                out.add(new Rec(f, r.line(), r.error(), r.terminated()));
            }
        }
        return out;
    }

    static List<Rec> parse(String s) throws IOException {
        return parse(s.getBytes(StandardCharsets.UTF_8), 1 << 20);
    }

    @Test
    void shouldReadPlainRecordsWithLfAndCrlf() throws IOException {
        List<Rec> r = parse("a,b,c\r\n1,2,3\n4,,6\r\n");
        assertEquals(3, r.size());
        assertEquals(List.of("a", "b", "c"), r.get(0).fields());
        assertEquals(List.of("1", "2", "3"), r.get(1).fields());
        assertEquals(List.of("4", "", "6"), r.get(2).fields());
        assertEquals(3, r.get(2).line());
        assertTrue(r.get(2).terminated());
    }

    @Test
    void shouldUnquoteFieldsWithEscapedQuotesCommasAndNewlines() throws IOException {
        List<Rec> r = parse("x,y\n\"a \"\"q\"\", b\",\"line1\nline2\r\nline3\"\nnext,1\n");
        assertEquals(3, r.size());
        assertEquals(List.of("a \"q\", b", "line1\nline2\r\nline3"), r.get(1).fields());
        assertNull(r.get(1).error());
        assertEquals(2, r.get(1).line());
        assertEquals(5, r.get(2).line(), "a record after embedded line breaks starts on its physical line");
    }

    @Test
    void shouldCountCrOnlyAndMixedLineBreaksInsideQuotedFields() throws IOException {
        List<Rec> r = parse("x,y\r\"a\rb\r\nc\n\r\",1\rnext,2\r");
        assertEquals(3, r.size());
        assertEquals(List.of("a\rb\r\nc\n\r", "1"), r.get(1).fields());
        assertEquals(2, r.get(1).line());
        // CR, CRLF, LF and CR each end one physical line: the quoted field spans lines 2 to 6, the next record is on 7.
        assertEquals(7, r.get(2).line());
    }

    @Test
    void shouldAcceptLastRecordWithoutLineBreakButSayItIsUnterminated() throws IOException {
        List<Rec> r = parse("a,b\n1,2");
        assertEquals(List.of("1", "2"), r.get(1).fields());
        assertFalse(r.get(1).terminated());
        assertNull(r.get(1).error());
    }

    @Test
    void shouldFlagUnterminatedQuoteAtEndOfFile() throws IOException {
        List<Rec> r = parse("a,b\n1,2\n3,\"never closed\n4,5\n");
        assertEquals(3, r.size());
        assertNotNull(r.get(2).error());
        assertTrue(r.get(2).error().contains("unterminated"));
    }

    @Test
    void shouldFlagTextAfterClosingQuoteAndKeepNextRecord() throws IOException {
        List<Rec> r = parse("a,b\n\"x\"y,2\n3,4\n");
        assertNotNull(r.get(1).error());
        assertEquals(List.of("3", "4"), r.get(2).fields());
        assertNull(r.get(2).error());
    }

    @Test
    void shouldTakeQuoteInsideUnquotedFieldLiterally() throws IOException {
        List<Rec> r = parse("a,b\n5\" screen,2\n");
        assertEquals(List.of("5\" screen", "2"), r.get(1).fields());
        assertNull(r.get(1).error());
    }

    @Test
    void shouldSkipEmptyLinesAndHandleLoneCr() throws IOException {
        List<Rec> r = parse("a,b\n\n1,2\r3,4\n\n");
        assertEquals(3, r.size());
        assertEquals(List.of("1", "2"), r.get(1).fields());
        assertEquals(List.of("3", "4"), r.get(2).fields());
    }

    @Test
    void shouldCountTrailingEmptyFields() throws IOException {
        List<Rec> r = parse("a,b,c\n1,,\n,,\n");
        assertEquals(List.of("1", "", ""), r.get(1).fields());
        assertEquals(List.of("", "", ""), r.get(2).fields());
    }

    @Test
    void shouldStripUtf8ByteOrderMark() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "order_ref,x\n1,2\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, 3);
        System.arraycopy(body, 0, all, 3, body.length);
        assertEquals("order_ref", parse(all, 1024).get(0).fields().get(0));
    }

    @Test
    void shouldBoundMemoryForHugeRecordAndResume() throws IOException {
        String huge = "\"" + "z".repeat(10_000) + "\"";
        List<Rec> r = parse(("a,b\n" + huge + ",1\nok,2\n").getBytes(StandardCharsets.UTF_8), 1000);
        assertEquals(3, r.size());
        assertTrue(r.get(1).error().contains("longer than 1000"));
        assertEquals(List.of("ok", "2"), r.get(2).fields());
    }

    @Test
    void shouldParseAcrossBufferBoundaries() throws IOException {
        StringBuilder b = new StringBuilder("k,v\n");
        for (int i = 0; i < 20_000; i++) {
            b.append(i).append(",\"val ").append(i).append(" \"\"x\"\"\r\nmore\"\r\n");
        }
        List<Rec> r = parse(new SlowStream(b.toString().getBytes(StandardCharsets.UTF_8)), 1 << 16);
        assertEquals(20_001, r.size());
        assertEquals(List.of("19999", "val 19999 \"x\"\r\nmore"), r.get(20_000).fields());
        assertEquals(1 + 2 * 19_999 + 1, r.get(20_000).line());
    }

    @Test
    void shouldReportTruncatedGzipAsOneBadRecordAfterTheGoodOnes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            StringBuilder b = new StringBuilder("a,b\n");
            for (int i = 0; i < 5000; i++) {
                b.append("row").append(i).append(",").append(i * 7919 % 10007).append('\n');
            }
            gz.write(b.toString().getBytes(StandardCharsets.UTF_8));
        }
        byte[] all = bytes.toByteArray();
        byte[] cut = java.util.Arrays.copyOf(all, all.length / 2);
        List<Rec> r = parse(new java.util.zip.GZIPInputStream(new ByteArrayInputStream(cut)), 1 << 16);
        Rec last = r.get(r.size() - 1);
        assertNotNull(last.error());
        assertTrue(last.error().contains("truncated gzip"));
        assertTrue(r.size() > 100, "the rows before the cut are read");
        for (int i = 1; i < r.size() - 1; i++) {
            assertNull(r.get(i).error());
        }
    }

    @Test
    void shouldValidateUtf8Strictly() {
        Utf8 u = new Utf8();
        byte[] ok = "žluťoučký kůň €𝄞".getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, u.firstInvalid(ok, ok.length));
        byte[] bad = {'a', (byte) 0xC3, '(', 'b'};
        assertEquals(1, u.firstInvalid(bad, bad.length));
        byte[] overlong = {(byte) 0xC0, (byte) 0xAF};
        assertTrue(u.firstInvalid(overlong, 2) >= 0);
        byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
        assertTrue(u.firstInvalid(surrogate, 3) >= 0);
        byte[] truncated = {'x', (byte) 0xE2, (byte) 0x82};
        assertTrue(u.firstInvalid(truncated, 3) >= 0);
    }

    @Test
    void shouldEscapeRawBytesReversibly() {
        byte[] b = {'a', '\\', '\n', (byte) 0xFF, (byte) 0xC3, (byte) 0xA9, 0};
        assertEquals("a\\\\\\n\\xffé\\x00", RawText.escape(b, b.length));
    }

    @Test
    void shouldEndOnEofWithoutRecordsForEmptyInput() throws IOException {
        assertTrue(parse("").isEmpty());
        assertEquals(1, parse("a,b").size());
    }

    /** Returns at most 7 bytes per read, to exercise buffer refills mid-token. */
    static final class SlowStream extends InputStream {
        private final byte[] data;
        private int pos;

        SlowStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws EOFException {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(7, Math.min(len, data.length - pos));
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
