package com.shopflow.ingest.simulator.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** An independent RFC 4180 reader used to check the drop against its manifest, as a lander would read it. */
final class DropReader {
    /** A parsed file: header, good rows (in order), bad records. */
    record Parsed(List<String> header, List<Map<String, String>> rows, List<BadRow> bad) {
    }

    private DropReader() {
    }

    static byte[] bytes(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return in.readAllBytes();
            }
        }
        return Files.readAllBytes(file);
    }

    static Parsed parse(byte[] data) {
        List<String> header = List.of();
        List<Map<String, String>> rows = new ArrayList<>();
        List<BadRow> bad = new ArrayList<>();
        int i = 0;
        int line = 1;
        boolean first = true;
        while (i < data.length) {
            int startLine = line;
            List<byte[]> fields = new ArrayList<>();
            ByteArrayOutputStream field = new ByteArrayOutputStream();
            boolean quoted = false;
            boolean terminated = false;
            boolean fieldQuoted = false;
            while (i < data.length) {
                byte b = data[i++];
                if (quoted) {
                    if (b == '"') {
                        if (i < data.length && data[i] == '"') {
                            field.write('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (b == '\n') {
                            line++;
                        }
                        field.write(b);
                    }
                } else if (b == '"' && field.size() == 0 && !fieldQuoted) {
                    quoted = true;
                    fieldQuoted = true;
                } else if (b == ',') {
                    fields.add(field.toByteArray());
                    field.reset();
                    fieldQuoted = false;
                } else if (b == '\r' && i < data.length && data[i] == '\n') {
                    i++;
                    line++;
                    terminated = true;
                    break;
                } else if (b == '\n') {
                    line++;
                    terminated = true;
                    break;
                } else {
                    field.write(b);
                }
            }
            fields.add(field.toByteArray());
            if (!terminated) {
                bad.add(new BadRow(startLine, "truncated_last_line"));
                break;
            }
            List<String> values = new ArrayList<>();
            boolean utf8 = true;
            for (byte[] f : fields) {
                try {
                    values.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(f)).toString());
                } catch (CharacterCodingException e) {
                    utf8 = false;
                }
            }
            if (first) {
                header = List.copyOf(values);
                first = false;
            } else if (!utf8) {
                bad.add(new BadRow(startLine, "invalid_utf8"));
            } else if (values.size() != header.size()) {
                bad.add(new BadRow(startLine, "wrong_field_count"));
            } else {
                Map<String, String> row = new LinkedHashMap<>();
                for (int k = 0; k < header.size(); k++) {
                    row.put(header.get(k), values.get(k));
                }
                rows.add(row);
            }
        }
        return new Parsed(header, rows, bad);
    }

    /** The day as a lander must land it: files in name order, later copies replacing earlier ones by order_ref. */
    static Map<String, Map<String, String>> landDay(Path dayDir, DayTruth truth) throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (FileTruth f : truth.files()) {
            for (Map<String, String> r : parse(bytes(dayDir.resolve(f.name()))).rows()) {
                out.put(r.get("order_ref"), canonical(r));
            }
        }
        return out;
    }

    private static Map<String, String> canonical(Map<String, String> row) {
        return new java.util.TreeMap<>(row);
    }
}
