package com.shopflow.ingest.simulator.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartnerDropTest {
    static final LocalDate DAY1 = LocalDate.of(2026, 11, 1);
    static final List<String> COLUMNS = List.of("order_ref", "ordered_at", "customer_email", "sku", "quantity", "unit_price", "currency");

    @TempDir
    Path dir;

    @Test
    void shouldWriteCleanDropWithDoneAndNoFaultWhenNoneIsAsked() throws IOException {
        DropManifest m = new PartnerDrop(dir, DropOptions.clean(DAY1, 3, 42)).generate();

        assertEquals(3, m.days().size());
        for (DayTruth d : m.days()) {
            Path dayDir = dir.resolve("marketplace_orders").resolve(d.day().toString());
            String ymd = d.day().toString().replace("-", "");
            Set<String> names = list(dayDir);
            assertEquals(Set.of("_DONE", "marketplace_orders_" + ymd + "_01.csv", "marketplace_orders_" + ymd + "_02.csv",
                    "marketplace_orders_" + ymd + "_03.csv"), names);
            assertEquals(0, Files.size(dayDir.resolve("_DONE")));
            assertTrue(d.done());
            assertEquals(60, d.expectedRows());
            assertEquals(0, d.badRows());
            Set<String> refs = new HashSet<>();
            for (FileTruth f : d.files()) {
                byte[] bytes = DropReader.bytes(dayDir.resolve(f.name()));
                DropReader.Parsed p = DropReader.parse(bytes);
                assertEquals(COLUMNS, p.header(), f.name());
                assertTrue(p.bad().isEmpty(), f.name());
                assertEquals(f.dataRows(), p.rows().size());
                assertTrue(bytes.length > 2 && bytes[bytes.length - 2] == '\r' && bytes[bytes.length - 1] == '\n', "CRLF at end");
                p.rows().forEach(r -> assertTrue(refs.add(r.get("order_ref")), "no repeated order_ref without the fault"));
            }
            assertEquals(sorted(d.rows()), sorted(DropReader.landDay(dayDir, d)));
        }
    }

    @Test
    void shouldQuoteCommasQuotesNewlinesAndKeepNonAscii() throws IOException {
        DropManifest m = new PartnerDrop(dir, DropOptions.clean(DAY1, 2, 42).withSize(2, 300)).generate();
        List<String> skus = m.days().stream().flatMap(d -> d.rows().values().stream()).map(r -> r.get("sku")).toList();
        assertTrue(skus.stream().anyMatch(s -> s.contains(",")), "a value with a comma");
        assertTrue(skus.stream().anyMatch(s -> s.contains("\"")), "a value with a quote");
        assertTrue(skus.stream().anyMatch(s -> s.contains("\n")), "a value with a newline");
        assertTrue(m.days().stream().flatMap(d -> d.rows().values().stream())
                .anyMatch(r -> r.get("customer_email").chars().anyMatch(ch -> ch > 127)), "non-ASCII text");
        String raw = Files.readString(dir.resolve("marketplace_orders/2026-11-01/marketplace_orders_20261101_01.csv"));
        assertTrue(raw.contains("\"BOX, LARGE\"") || raw.contains("\"MUG \"\"Hello\"\"\"") || raw.contains("\"GIFT CARD\nEUR 50\""));
        for (DayTruth d : m.days()) {
            assertEquals(sorted(d.rows()), sorted(DropReader.landDay(PartnerDrop.dayDir(dir, d.day()), d)));
        }
    }

    @Test
    void shouldShowEveryFaultWhenAskedAndManifestMatchesAnIndependentReader() throws IOException {
        DropOptions o = DropOptions.clean(DAY1, 4, 7).withSize(4, 40).with(Fault.values())
                .withDiscountFrom(DAY1.plusDays(2)).withMissingDone(DAY1.plusDays(3));
        DropManifest m = new PartnerDrop(dir, o).generate();

        for (DayTruth d : m.days()) {
            Path dayDir = PartnerDrop.dayDir(dir, d.day());
            String ymd = d.day().toString().replace("-", "");
            Set<String> names = list(dayDir);
            // Layout: 4 regular files (even ones gzipped), an empty and a header-only file, strays, _DONE but on the last day.
            assertTrue(names.contains("marketplace_orders_" + ymd + "_02.csv.gz"), names.toString());
            assertTrue(names.contains("marketplace_orders_" + ymd + "_04.csv.gz"));
            assertTrue(names.contains("marketplace_orders_" + ymd + "_03.csv"));
            assertEquals(0, Files.size(dayDir.resolve("marketplace_orders_" + ymd + "_05.csv")), "empty file");
            assertTrue(names.contains("README.txt"));
            assertTrue(names.contains("marketplace_orders_" + ymd + "_01.csv.tmp"));
            assertEquals(d.strayFiles(), List.of("README.txt", "marketplace_orders_" + ymd + "_01.csv.tmp"));
            assertEquals(!d.day().equals(DAY1.plusDays(3)), names.contains("_DONE"));
            assertEquals(!d.day().equals(DAY1.plusDays(3)), d.done());

            List<BadRow> bad = new ArrayList<>();
            Set<String> refsSeen = new HashSet<>();
            boolean repeated = false;
            for (FileTruth f : d.files()) {
                byte[] bytes = DropReader.bytes(dayDir.resolve(f.name()));
                DropReader.Parsed p = DropReader.parse(bytes);
                assertEquals(f.badRows(), p.bad(), "bad rows of " + f.name());
                assertEquals(f.header(), p.header());
                assertEquals(f.dataRows(), p.rows().size());
                bad.addAll(p.bad());
                for (Map<String, String> r : p.rows()) {
                    repeated |= !refsSeen.add(r.get("order_ref"));
                }
                List<String> expectedColumns = new ArrayList<>(COLUMNS);
                if (!d.day().isBefore(DAY1.plusDays(2))) {
                    expectedColumns.add("discount");
                }
                if (f.sequence() == 6) {
                    assertEquals(expectedColumns, p.header(), "header-only file");
                    assertTrue(p.rows().isEmpty());
                } else if (f.sequence() <= 4) {
                    assertEquals(new HashSet<>(expectedColumns), new HashSet<>(p.header()));
                    assertEquals(f.sequence() % 2 == 0, !p.header().equals(expectedColumns), "reordered columns in even files");
                }
                if (f.sequence() == 4) {
                    assertTrue(bytes[bytes.length - 1] != '\n', "the last regular file ends mid-line");
                }
            }
            assertTrue(repeated, "an order_ref repeated within the day");
            assertEquals(Set.of("wrong_field_count", "invalid_utf8", "truncated_last_line"),
                    bad.stream().map(BadRow::reason).collect(Collectors.toSet()));
            assertEquals(3, d.badRows());
            assertEquals(40, d.expectedRows(), "dedup leaves one row per order");
            assertEquals(sorted(d.rows()), sorted(DropReader.landDay(dayDir, d)), "later file and later line win");
        }
        assertEquals(160, m.expectedRows());
        assertEquals(12, m.badRows());
    }

    @Test
    void shouldLetTheLaterFileWinForARepeatedOrderRef() throws IOException {
        DropManifest m = new PartnerDrop(dir, DropOptions.clean(DAY1, 1, 3).withSize(3, 30).with(Fault.DUPLICATES)).generate();
        DayTruth d = m.days().get(0);
        // Order 1 is in file 01 (repeated there last with price 0.99), then sent again by file 02 with quantity + 10.
        DropReader.Parsed file1 = DropReader.parse(DropReader.bytes(PartnerDrop.dayDir(dir, DAY1).resolve(d.files().get(0).name())));
        Map<String, String> original = file1.rows().get(0);
        assertEquals("MP-20261101-000001", original.get("order_ref"));
        assertEquals("0.99", file1.rows().get(file1.rows().size() - 1).get("unit_price"));
        Map<String, String> landed = d.rows().get("MP-20261101-000001");
        assertEquals(Integer.toString(Integer.parseInt(original.get("quantity")) + 10), landed.get("quantity"));
        assertEquals(original.get("unit_price"), landed.get("unit_price"), "file 02's copy replaced file 01's both lines");
    }

    @Test
    void shouldLetTheLaterLineWinWithinOneFile() throws IOException {
        DropManifest m = new PartnerDrop(dir, DropOptions.clean(DAY1, 1, 3).withSize(1, 10).with(Fault.DUPLICATES)).generate();
        DayTruth d = m.days().get(0);
        assertEquals(11, d.files().get(0).dataRows());
        assertEquals(10, d.expectedRows());
        assertEquals("0.99", d.rows().get("MP-20261101-000001").get("unit_price"));
        assertEquals(sorted(d.rows()), sorted(DropReader.landDay(PartnerDrop.dayDir(dir, DAY1), d)));
    }

    @Test
    void shouldBeDeterministicForASeed() throws IOException {
        DropOptions o = DropOptions.clean(DAY1, 2, 11).with(Fault.values()).withDiscountFrom(DAY1.plusDays(1));
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        new PartnerDrop(a, o).generate();
        new PartnerDrop(b, o).generate();
        new PartnerDrop(c, new DropOptions(DAY1, 2, 12, 3, 60, o.faults(), o.discountFrom(), null)).generate();
        List<Path> files = files(a);
        assertFalse(files.isEmpty());
        boolean differs = false;
        for (Path f : files) {
            assertArrayEquals(DropReader.bytes(a.resolve(f)), DropReader.bytes(b.resolve(f)), f.toString());
            differs |= !java.util.Arrays.equals(DropReader.bytes(a.resolve(f)), DropReader.bytes(c.resolve(f)));
        }
        assertTrue(differs, "another seed gives another drop");
    }

    @Test
    void shouldRedeliverACorrectedFileUnderTheSameName() throws IOException {
        PartnerDrop drop = new PartnerDrop(dir, DropOptions.clean(DAY1, 2, 5).with(Fault.GZIP));
        DropManifest before = drop.generate();
        Path file = PartnerDrop.dayDir(dir, DAY1).resolve(before.day(DAY1).files().get(1).name());
        byte[] old = DropReader.bytes(file);
        byte[] otherDay = Files.readAllBytes(PartnerDrop.dayDir(dir, DAY1.plusDays(1)).resolve(before.days().get(1).files().get(1).name()));

        DayTruth after = drop.redeliver(DAY1, 2);

        assertEquals(before.day(DAY1).files().get(1).name(), after.files().get(1).name());
        assertFalse(java.util.Arrays.equals(old, DropReader.bytes(file)), "new content");
        assertNotEquals(sorted(before.day(DAY1).rows()), sorted(after.rows()));
        assertEquals(before.day(DAY1).expectedRows(), after.expectedRows());
        assertEquals(sorted(after.rows()), sorted(DropReader.landDay(PartnerDrop.dayDir(dir, DAY1), after)));
        assertEquals(sorted(after.rows()), sorted(drop.truth(DAY1).rows()));
        assertArrayEquals(otherDay, Files.readAllBytes(PartnerDrop.dayDir(dir, DAY1.plusDays(1))
                .resolve(before.days().get(1).files().get(1).name())), "other days untouched");
        assertEquals(before.day(DAY1).files().size() + 1, list(PartnerDrop.dayDir(dir, DAY1)).size(), "no temporary file left");
        DayTruth again = drop.redeliver(DAY1, 2);
        assertNotEquals(sorted(after.rows()), sorted(again.rows()), "each re-delivery corrects again");
    }

    private static Map<String, Map<String, String>> sorted(Map<String, Map<String, String>> rows) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        rows.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
        return out;
    }

    private static Set<String> list(Path dayDir) throws IOException {
        try (Stream<Path> s = Files.list(dayDir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}
