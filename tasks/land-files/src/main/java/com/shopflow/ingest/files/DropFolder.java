package com.shopflow.ingest.files;

import com.shopflow.ingest.core.ErrorCode;
import com.shopflow.ingest.core.IngestException;
import com.shopflow.ingest.core.Interval;
import com.shopflow.ingest.core.pg.Identifiers;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The partner's drop for one feed: {@code FILE_DROP_DIR/<feed>/<YYYY-MM-DD>/<feed>_<YYYYMMDD>_<NN>.csv[.gz]}.
 * Finds the days of an interval, refuses days without their {@code _DONE} marker, and lists their data files.
 * Every path read resolves (symlinks included) inside the drop directory; the only names taken from outside
 * are directory entries, which are matched against the strict file name pattern before use.
 */
final class DropFolder {
    static final String DONE = "_DONE";
    /** Days one run may span: a bound on the work, far beyond any real interval. */
    static final int MAX_DAYS = 3660;
    private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;

    private final Path root;
    private final String feed;
    private final Pattern dataFile;
    private final List<String> ignore;
    private final List<PathMatcher> ignoreMatchers = new ArrayList<>();

    private DropFolder(Path root, String feed, List<String> ignore) {
        this.root = root;
        this.feed = feed;
        this.dataFile = Pattern.compile(Pattern.quote(feed) + "_(\\d{8})_(\\d{2})\\.csv(\\.gz)?");
        this.ignore = List.copyOf(ignore);
        for (String glob : this.ignore) {
            try {
                ignoreMatchers.add(root.getFileSystem().getPathMatcher("glob:" + glob));
            } catch (IllegalArgumentException e) {
                throw new IngestException(ErrorCode.CONFIG, "INGEST_FILES_IGNORE: '" + glob + "' is not a glob pattern: " + e.getMessage());
            }
        }
    }

    static DropFolder open(Optional<String> dropDir, String feed) {
        return open(dropDir, feed, List.of());
    }

    /** @param ignore glob patterns ({@code INGEST_FILES_IGNORE}) of file names (or {@code <day>/<name>}) that are not data */
    static DropFolder open(Optional<String> dropDir, String feed, List<String> ignore) {
        String dir = dropDir.filter(s -> !s.isBlank()).orElseThrow(() -> new IngestException(ErrorCode.CONFIG,
                "FILE_DROP_DIR is not set: the root folder of the partner's file drop"));
        try {
            Path real = Path.of(dir).toRealPath();
            if (!Files.isDirectory(real)) {
                throw new IngestException(ErrorCode.CONFIG, "FILE_DROP_DIR (" + dir + ") is not a directory");
            }
            return new DropFolder(real, feed, ignore);
        } catch (IOException | java.nio.file.InvalidPathException e) {
            throw new IngestException(ErrorCode.CONFIG, "FILE_DROP_DIR (" + dir + ") cannot be opened: " + e.getMessage());
        }
    }

    /** The days whose midnight (UTC) lies in {@code [start, end)}: each day belongs to exactly one of consecutive intervals. */
    static List<LocalDate> days(Interval interval) {
        LocalDate first = interval.start().atOffset(ZoneOffset.UTC).toLocalDate();
        if (first.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(interval.start())) {
            first = first.plusDays(1);
        }
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate d = first; d.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(interval.end()); d = d.plusDays(1)) {
            if (days.size() == MAX_DAYS) {
                throw new IngestException(ErrorCode.USAGE, "the interval " + interval + " spans more than " + MAX_DAYS
                        + " days; land it in smaller intervals");
            }
            days.add(d);
        }
        return days;
    }

    /**
     * Plans the run: checks every day is complete, lists its files in delivery order, digests them and reads
     * their headers.
     */
    DropPlan plan(Interval interval, boolean allowMissingDays, HeaderCheck headers) throws IOException {
        List<LocalDate> days = days(interval);
        List<String> notReady = new ArrayList<>();
        List<LocalDate> empty = new ArrayList<>();
        List<Path> dayDirs = new ArrayList<>();
        for (LocalDate day : days) {
            Path dir = root.resolve(feed).resolve(day.toString());
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                if (allowMissingDays) {
                    empty.add(day);
                    dayDirs.add(null);
                } else {
                    notReady.add("day " + day + " has no folder " + feed + "/" + day);
                }
                continue;
            }
            Path real = inside(dir, feed + "/" + day);
            if (!Files.isDirectory(real)) {
                throw new IngestException(ErrorCode.DATA, feed + "/" + day + " is not a folder");
            }
            if (!Files.isRegularFile(real.resolve(DONE))) {
                notReady.add("day " + day + " has no " + DONE + " marker in " + feed + "/" + day);
            }
            dayDirs.add(real);
        }
        if (!notReady.isEmpty()) {
            throw new IngestException(ErrorCode.NOT_READY, "not ready: " + String.join("; ", notReady)
                    + ". The partner has not finished delivering; nothing was landed. Retry later.");
        }
        List<DropFile> files = new ArrayList<>();
        List<String> stray = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            if (dayDirs.get(i) != null) {
                list(days.get(i), dayDirs.get(i), files, stray, headers);
            }
        }
        return new DropPlan(days, files, stray, empty);
    }

    private void list(LocalDate day, Path dir, List<DropFile> files, List<String> stray, HeaderCheck headers) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                names.add(e.getFileName().toString());
            }
        }
        names.sort(null);
        List<String> nearMisses = new ArrayList<>();
        for (String name : names) {
            if (name.equals(DONE)) {
                continue;
            }
            String relative = day + "/" + name;
            Matcher m = dataFile.matcher(name);
            boolean data = m.matches() && m.group(1).equals(day.format(COMPACT));
            if (ignored(name, relative)) {
                stray.add(Identifiers.printable(relative));
                continue;
            }
            if (!data) {
                // A name that starts like the feed's files is meant as data (a typo, another date, .CSV): skipping
                // it would lose its rows without a word. Only names that do not look like the feed are strays.
                if (name.toLowerCase(Locale.ROOT).startsWith(feed.toLowerCase(Locale.ROOT))) {
                    nearMisses.add(Identifiers.printable(relative) + (m.matches() ? " (its date is not its folder's)" : ""));
                } else {
                    stray.add(Identifiers.printable(relative));
                }
                continue;
            }
            Path real = inside(dir.resolve(name), feed + "/" + relative);
            if (!Files.isRegularFile(real)) {
                nearMisses.add(Identifiers.printable(relative) + " (not a regular file)");
                continue;
            }
            String stamp = FileSource.stamp(real); // before the digest: a change while digesting shows later
            long size = Files.size(real);
            String sha = FileSource.sha256(real);
            DropFile planned = new DropFile(relative, real, size, sha, stamp, List.of());
            files.add(new DropFile(relative, real, size, sha, stamp, headers.read(planned)));
        }
        if (!nearMisses.isEmpty()) {
            throw new IngestException(ErrorCode.DATA, feed + "/" + day + ": " + String.join(", ", nearMisses.subList(0, Math.min(10, nearMisses.size())))
                    + (nearMisses.size() > 10 ? " and " + (nearMisses.size() - 10) + " more" : "") + " look like files of " + feed
                    + " but do not match " + feed + "_" + day.format(COMPACT) + "_NN.csv[.gz]. Nothing was landed. Have the partner "
                    + "rename or re-deliver them, or list them in INGEST_FILES_IGNORE (glob patterns) to land the day without them.");
        }
    }

    private boolean ignored(String name, String relative) {
        for (PathMatcher g : ignoreMatchers) {
            try {
                if (g.matches(Path.of(name)) || g.matches(Path.of(relative))) {
                    return true;
                }
            } catch (java.nio.file.InvalidPathException e) {
                return false;
            }
        }
        return false;
    }

    /** The real path of {@code p}, refused unless it lies inside the drop directory (a symlink may not lead out). */
    private Path inside(Path p, String shown) throws IOException {
        Path real = p.toRealPath();
        if (!real.startsWith(root)) {
            throw new IngestException(ErrorCode.DATA, Identifiers.printable(shown) + " resolves outside FILE_DROP_DIR (a symlink?); it was not read. Remove it from the drop.");
        }
        return real;
    }

    /** Reads and validates the header of a planned file. */
    interface HeaderCheck {
        List<String> read(DropFile file) throws IOException;
    }
}
