package com.shopflow.ingest.files;

import java.time.LocalDate;
import java.util.List;

/**
 * What one run lands: the days of the interval, their data files in delivery order, and the stray entries
 * (names that are not data files) that were ignored.
 */
record DropPlan(List<LocalDate> days, List<DropFile> files, List<String> stray, List<LocalDate> emptyDays) {
    DropPlan {
        days = List.copyOf(days);
        files = List.copyOf(files);
        stray = List.copyOf(stray);
        emptyDays = List.copyOf(emptyDays);
    }
}
