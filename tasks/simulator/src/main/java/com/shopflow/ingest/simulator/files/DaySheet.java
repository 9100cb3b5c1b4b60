package com.shopflow.ingest.simulator.files;

import com.shopflow.ingest.simulator.db.SeededRandom;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The content of one business day of the drop, a pure function of the options, the day and the revision of each
 * file (0 as first delivered, then one more per re-delivery). Orders are dealt round-robin over the regular files.
 */
final class DaySheet {
    static final List<String> COLUMNS = List.of("order_ref", "ordered_at", "customer_email", "sku", "quantity", "unit_price",
            "currency");
    static final String DISCOUNT = "discount";
    private static final String[] LOCAL = {"anna", "zoë", "jürgen", "o'neil", "maría", "li.wei", "sam+shop", "björn"};
    private static final String[] DOMAINS = {"example.com", "exämple.de", "shop.example", "mail.example.org"};
    private static final String[] SPECIAL_SKUS = {"BOX, LARGE", "MUG \"Hello\"", "GIFT CARD\nEUR 50", "Thé vert 日本",
        " PADDED ", "SKU-Ω-42", "\"QUOTED\""};
    private static final String[] CURRENCIES = {"EUR", "EUR", "USD", "GBP"};

    /** One file to write: its truth and its bytes (uncompressed). */
    record Written(FileTruth truth, byte[] content) {
    }

    /** A day's files, stray files (name to bytes) and the expected rows after dedup. */
    record Output(List<Written> files, Map<String, byte[]> stray, Map<String, Map<String, String>> rows) {
    }

    private final DropOptions o;
    private final LocalDate day;
    private final Map<Integer, Integer> revisions;
    private final String ymd;
    private final List<String> header;

    DaySheet(DropOptions options, LocalDate day, Map<Integer, Integer> revisions) {
        this.o = options;
        this.day = day;
        this.revisions = revisions;
        this.ymd = day.format(DateTimeFormatter.BASIC_ISO_DATE);
        List<String> h = new ArrayList<>(COLUMNS);
        if (o.discountFrom() != null && !day.isBefore(o.discountFrom())) {
            h.add(DISCOUNT);
        }
        this.header = List.copyOf(h);
    }

    static String fileName(LocalDate day, int seq, boolean gzip) {
        return "marketplace_orders_" + day.format(DateTimeFormatter.BASIC_ISO_DATE) + "_" + String.format("%02d", seq)
                + (gzip ? ".csv.gz" : ".csv");
    }

    Output build() {
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        List<Written> files = new ArrayList<>();
        int regular = o.filesPerDay();
        for (int k = 1; k <= regular; k++) {
            files.add(regularFile(k, rows));
        }
        int seq = regular;
        if (o.has(Fault.EMPTY_FILE)) {
            seq++;
            files.add(new Written(new FileTruth(fileName(day, seq, false), seq, false, List.of(), 0, List.of()), new byte[0]));
        }
        if (o.has(Fault.HEADER_ONLY_FILE)) {
            seq++;
            CsvFile f = new CsvFile();
            f.record(header);
            files.add(new Written(new FileTruth(fileName(day, seq, false), seq, false, header, 0, List.of()), f.bytes()));
        }
        Map<String, byte[]> stray = new LinkedHashMap<>();
        if (o.has(Fault.STRAY_FILES)) {
            stray.put("README.txt", "Marketplace partner drop.\nQuestions: ops@partner.example\n".getBytes(StandardCharsets.UTF_8));
            CsvFile partial = new CsvFile();
            partial.record(header);
            partial.tail("MP-" + ymd + "-TMP1,2026-01-01T00:00:00Z,partial@");
            stray.put(fileName(day, 1, false) + ".tmp", partial.bytes());
        }
        return new Output(files, stray, rows);
    }

    private Written regularFile(int k, Map<String, Map<String, String>> rows) {
        int rev = revisions.getOrDefault(k, 0);
        int regular = o.filesPerDay();
        List<String> fileHeader = o.has(Fault.REORDERED_COLUMNS) && k % 2 == 0 ? permuted(k) : header;
        List<Map<String, String>> records = new ArrayList<>();
        for (int i = k - 1; i < o.rowsPerDay(); i += regular) {
            records.add(row(i, rev));
        }
        if (o.has(Fault.DUPLICATES)) {
            if (k >= 2) {
                for (int i = k - 2; i < o.rowsPerDay() && i < k - 2 + 2 * regular; i += regular) {
                    Map<String, String> r = row(i, rev);
                    r.put("quantity", Integer.toString(Integer.parseInt(r.get("quantity")) + 10));
                    records.add(r);
                }
            } else if (!records.isEmpty()) {
                Map<String, String> r = row(0, rev);
                r.put("unit_price", "0.99");
                records.add(r);
            }
        }
        CsvFile f = new CsvFile();
        f.record(fileHeader);
        List<BadRow> bad = new ArrayList<>();
        for (int n = 0; n < records.size(); n++) {
            if (n == Math.min(2, records.size() - 1) && k == 1 && o.has(Fault.BAD_ROWS)) {
                writeBadRows(f, bad);
            }
            Map<String, String> r = records.get(n);
            f.record(fileHeader.stream().map(r::get).toList());
            rows.put(r.get("order_ref"), r);
        }
        if (records.isEmpty() && k == 1 && o.has(Fault.BAD_ROWS)) {
            writeBadRows(f, bad);
        }
        if (k == regular && o.has(Fault.TRUNCATED_LAST_LINE)) {
            int line = f.tail("MP-" + ymd + "-T01,\"cut off in the mid");
            bad.add(new BadRow(line, "truncated_last_line"));
        }
        boolean gzip = o.has(Fault.GZIP) && k % 2 == 0;
        FileTruth truth = new FileTruth(fileName(day, k, gzip), k, gzip, fileHeader, records.size(), List.copyOf(bad));
        return new Written(truth, f.bytes());
    }

    /** A row with one field too many, then a row whose e-mail holds bytes that are not UTF-8. */
    private void writeBadRows(CsvFile f, List<BadRow> bad) {
        Map<String, String> extra = row(1_000_000, 0);
        extra.put("order_ref", "MP-" + ymd + "-B01");
        List<String> values = new ArrayList<>(header.stream().map(extra::get).toList());
        values.add("EXTRA");
        bad.add(new BadRow(f.record(values), "wrong_field_count"));
        Map<String, String> utf = row(1_000_001, 0);
        utf.put("order_ref", "MP-" + ymd + "-B02");
        utf.put("customer_email", "bad\u0000@example.com");
        utf.put("sku", "SKU-00000");
        byte[] line = String.join(",", header.stream().map(utf::get).map(CsvFile::field).toList()).getBytes(StandardCharsets.UTF_8);
        List<Byte> out = new ArrayList<>();
        for (byte b : line) {
            if (b == 0) {
                out.add((byte) 0xFF);
                out.add((byte) 0xFE);
            } else {
                out.add(b);
            }
        }
        byte[] bytes = new byte[out.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = out.get(i);
        }
        bad.add(new BadRow(f.raw(bytes, 0), "invalid_utf8"));
    }

    /** Order {@code i} of the day at revision {@code rev}, keyed by column name in header order. */
    private Map<String, String> row(int i, int rev) {
        SeededRandom r = new SeededRandom(SeededRandom.mix(o.seed(), day.toEpochDay(), i));
        Map<String, String> m = new LinkedHashMap<>();
        m.put("order_ref", "MP-" + ymd + "-" + String.format("%06d", i + 1));
        m.put("ordered_at", day.atStartOfDay(ZoneOffset.UTC).plusSeconds(r.nextLong(86_400)).toInstant().toString());
        m.put("customer_email", r.pick(LOCAL) + (i + 1) + "@" + r.pick(DOMAINS));
        m.put("sku", r.oneIn(6) ? r.pick(SPECIAL_SKUS) : String.format("SKU-%05d", r.nextInt(100_000)));
        int quantity = 1 + r.nextInt(5);
        long price = 99 + r.nextInt(20_000);
        m.put("currency", r.pick(CURRENCIES));
        String discount = r.oneIn(3) ? cents(r.nextInt(500)) : "";
        if (rev > 0 && new SeededRandom(SeededRandom.mix(o.seed(), day.toEpochDay(), i, rev)).oneIn(2)) {
            quantity += rev;
            price += 100L * rev;
        }
        m.put("quantity", Integer.toString(quantity));
        m.put("unit_price", cents(price));
        if (header.contains(DISCOUNT)) {
            m.put(DISCOUNT, discount);
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        header.forEach(h -> ordered.put(h, m.get(h)));
        return ordered;
    }

    private List<String> permuted(int k) {
        List<String> p = new ArrayList<>(header);
        SeededRandom r = new SeededRandom(SeededRandom.mix(o.seed(), day.toEpochDay(), k, 7));
        for (int i = p.size() - 1; i > 0; i--) {
            Collections.swap(p, i, r.nextInt(i + 1));
        }
        if (p.equals(header)) {
            Collections.reverse(p);
        }
        return List.copyOf(p);
    }

    private static String cents(long c) {
        return c / 100 + "." + String.format("%02d", c % 100);
    }
}
