package com.shopflow.ingest.simulator.files;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.simulator.db.CommandRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simulator files}: writes the partner's drop (CONTRACT 1.3) with the chosen faults and prints a JSON summary. */
@Command(name = "files", mixinStandardHelpOptions = true, description = "Writes the marketplace partner's file drop.")
public class FilesCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "${env:FILE_DROP_DIR}", description = "drop root (default: $FILE_DROP_DIR)")
    Path dir;

    @Option(names = "--first-day", defaultValue = "2026-11-01")
    LocalDate firstDay;

    @Option(names = "--days", defaultValue = "7")
    int days;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--files-per-day", defaultValue = "3")
    int filesPerDay;

    @Option(names = "--rows-per-day", defaultValue = "60", description = "distinct orders per day")
    int rowsPerDay;

    @Option(names = "--gzip", description = "even-numbered files as .csv.gz")
    boolean gzip;

    @Option(names = "--duplicates", description = "order_refs repeated across and within files")
    boolean duplicates;

    @Option(names = "--reorder-columns", description = "even-numbered files with the columns in another order")
    boolean reorder;

    @Option(names = "--bad-rows", description = "a wrong-field-count row and an invalid UTF-8 row in file 01")
    boolean badRows;

    @Option(names = "--truncated-last-line", description = "the last file of each day ends mid-line in an open quote")
    boolean truncated;

    @Option(names = "--empty-file", description = "one zero-byte file per day")
    boolean emptyFile;

    @Option(names = "--header-only-file", description = "one header-only file per day")
    boolean headerOnly;

    @Option(names = "--stray-files", description = "README.txt and a .tmp partial upload in each day folder")
    boolean stray;

    @Option(names = "--all-faults", description = "every fault flag above")
    boolean allFaults;

    @Option(names = "--discount-from", description = "the day the discount column appears")
    LocalDate discountFrom;

    @Option(names = "--missing-done", description = "the day left without _DONE")
    LocalDate missingDone;

    @Option(names = "--redeliver", description = "after the drop, re-deliver file 01 of this day with corrections")
    LocalDate redeliver;

    @Option(names = "--manifest", description = "also write the full truth (expected rows included) as JSON to this file")
    Path manifest;

    @Override
    public Integer call() {
        return CommandRun.run("files", () -> {
            if (dir == null) {
                throw new IngestException(ErrorCode.USAGE, "--dir is required (or set FILE_DROP_DIR)");
            }
            PartnerDrop drop = new PartnerDrop(dir, options());
            DropManifest m = drop.generate();
            if (redeliver != null) {
                DayTruth corrected = drop.redeliver(redeliver, 1);
                m = new DropManifest(m.days().stream().map(d -> d.day().equals(redeliver) ? corrected : d).toList());
            }
            if (manifest != null) {
                Files.writeString(manifest, m.toJson(true).toString(), StandardCharsets.UTF_8);
            }
            ObjectNode out = m.toJson(false);
            out.put("dir", dir.toAbsolutePath().toString());
            return out;
        });
    }

    private DropOptions options() {
        Set<Fault> f = EnumSet.noneOf(Fault.class);
        if (allFaults) {
            f.addAll(EnumSet.allOf(Fault.class));
        }
        add(f, gzip, Fault.GZIP);
        add(f, duplicates, Fault.DUPLICATES);
        add(f, reorder, Fault.REORDERED_COLUMNS);
        add(f, badRows, Fault.BAD_ROWS);
        add(f, truncated, Fault.TRUNCATED_LAST_LINE);
        add(f, emptyFile, Fault.EMPTY_FILE);
        add(f, headerOnly, Fault.HEADER_ONLY_FILE);
        add(f, stray, Fault.STRAY_FILES);
        try {
            return new DropOptions(firstDay, days, seed, filesPerDay, rowsPerDay, f, discountFrom, missingDone);
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorCode.USAGE, e.getMessage());
        }
    }

    private static void add(Set<Fault> set, boolean on, Fault fault) {
        if (on) {
            set.add(fault);
        }
    }
}
