package com.shopflow.ingest.simulator.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * The marketplace partner's nightly drop of CONTRACT section 1.3, written under
 * {@code root/marketplace_orders/<YYYY-MM-DD>/}: the day's files, then any stray files, then {@code _DONE}
 * (unless that day is {@link DropOptions#missingDone()}). Content is deterministic for the options (seed
 * included) and the re-deliveries made; see {@link DayTruth} for the dedup rule the truth follows.
 */
public final class PartnerDrop {
    public static final String FEED = "marketplace_orders";
    public static final String DONE = "_DONE";
    private final Path root;
    private final DropOptions options;
    private final Map<LocalDate, Map<Integer, Integer>> revisions = new HashMap<>();

    public PartnerDrop(Path root, DropOptions options) {
        this.root = root;
        this.options = options;
    }

    public static Path dayDir(Path root, LocalDate day) {
        return root.resolve(FEED).resolve(day.toString());
    }

    /** Writes every day (replacing the files of earlier drops in those day folders) and returns the truth. */
    public DropManifest generate() throws IOException {
        List<DayTruth> days = new ArrayList<>();
        for (int i = 0; i < options.days(); i++) {
            days.add(writeDay(options.firstDay().plusDays(i)));
        }
        return new DropManifest(List.copyOf(days));
    }

    /**
     * The partner sends file {@code seq} of {@code day} again, under the same name, with corrected quantities and
     * prices in about half its rows (each call one more correction). The file is replaced atomically.
     *
     * @return the day's truth after the re-delivery
     */
    public DayTruth redeliver(LocalDate day, int seq) throws IOException {
        if (seq < 1 || seq > options.filesPerDay() || day.isBefore(options.firstDay())
                || !day.isBefore(options.firstDay().plusDays(options.days()))) {
            throw new IllegalArgumentException("no regular file " + seq + " on " + day + " in this drop");
        }
        revisions.computeIfAbsent(day, d -> new HashMap<>()).merge(seq, 1, Integer::sum);
        DaySheet.Output out = sheet(day);
        DaySheet.Written w = out.files().get(seq - 1);
        writeAtomically(dayDir(root, day).resolve(w.truth().name()), encode(w));
        return truth(day, out);
    }

    /** The truth of {@code day} as currently delivered. */
    public DayTruth truth(LocalDate day) {
        return truth(day, sheet(day));
    }

    private DaySheet.Output sheet(LocalDate day) {
        return new DaySheet(options, day, revisions.getOrDefault(day, Map.of())).build();
    }

    private DayTruth truth(LocalDate day, DaySheet.Output out) {
        return new DayTruth(day, !day.equals(options.missingDone()), out.files().stream().map(DaySheet.Written::truth).toList(),
                List.copyOf(out.stray().keySet()), out.rows());
    }

    private DayTruth writeDay(LocalDate day) throws IOException {
        Path dir = dayDir(root, day);
        Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir)) {
            for (Path p : old) {
                if (Files.isRegularFile(p)) {
                    Files.delete(p);
                }
            }
        }
        DaySheet.Output out = sheet(day);
        for (DaySheet.Written w : out.files()) {
            Files.write(dir.resolve(w.truth().name()), encode(w));
        }
        for (Map.Entry<String, byte[]> s : out.stray().entrySet()) {
            Files.write(dir.resolve(s.getKey()), s.getValue());
        }
        if (!day.equals(options.missingDone())) {
            Files.write(dir.resolve(DONE), new byte[0]);
        }
        return truth(day, out);
    }

    private static byte[] encode(DaySheet.Written w) {
        if (!w.truth().gzip()) {
            return w.content();
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(w.content());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        // A hidden temporary name: a reader listing the folder never takes a half-written file for a delivery.
        Path tmp = target.resolveSibling("." + target.getFileName() + ".partial");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
