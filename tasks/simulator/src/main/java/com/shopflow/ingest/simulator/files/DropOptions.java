package com.shopflow.ingest.simulator.files;

import java.time.LocalDate;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What {@link PartnerDrop} writes: {@code days} business days from {@code firstDay}, {@code filesPerDay} regular
 * files holding {@code rowsPerDay} distinct orders between them, the chosen {@link Fault}s, the {@code discount}
 * column from {@code discountFrom} on (null: never) and no {@code _DONE} in the folder of {@code missingDone}
 * (null: every day done).
 */
public record DropOptions(LocalDate firstDay, int days, long seed, int filesPerDay, int rowsPerDay, Set<Fault> faults,
                          LocalDate discountFrom, LocalDate missingDone) {
    public DropOptions {
        if (firstDay == null || days < 1 || filesPerDay < 1 || filesPerDay > 90 || rowsPerDay < 0) {
            throw new IllegalArgumentException("need firstDay, days >= 1, 1..90 files per day and rowsPerDay >= 0");
        }
        faults = faults.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(faults));
    }

    /** No faults, 3 files and 60 orders per day. */
    public static DropOptions clean(LocalDate firstDay, int days, long seed) {
        return new DropOptions(firstDay, days, seed, 3, 60, Set.of(), null, null);
    }

    public DropOptions with(Fault... more) {
        EnumSet<Fault> f = faults.isEmpty() ? EnumSet.noneOf(Fault.class) : EnumSet.copyOf(faults);
        f.addAll(Set.of(more));
        return new DropOptions(firstDay, days, seed, filesPerDay, rowsPerDay, f, discountFrom, missingDone);
    }

    public DropOptions withSize(int files, int rows) {
        return new DropOptions(firstDay, days, seed, files, rows, faults, discountFrom, missingDone);
    }

    public DropOptions withDiscountFrom(LocalDate day) {
        return new DropOptions(firstDay, days, seed, filesPerDay, rowsPerDay, faults, day, missingDone);
    }

    public DropOptions withMissingDone(LocalDate day) {
        return new DropOptions(firstDay, days, seed, filesPerDay, rowsPerDay, faults, discountFrom, day);
    }

    public boolean has(Fault f) {
        return faults.contains(f);
    }
}
