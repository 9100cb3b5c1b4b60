package com.shopflow.ingest.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * CPU seconds from /proc (Linux): what this JVM's finished child processes used (the task it ran and waited for), and
 * what the PostgreSQL server used (the postmaster with its finished backends, which exit when their client disconnects).
 * A run's difference of the two readings tells whether it was bound by the cores: wall time near (task + server) / cores.
 */
record CpuTime(double children, double server) {
    /** Linux's USER_HZ, 100 on every mainstream architecture. */
    private static final double TICKS = 100.0;

    static CpuTime now(long postmasterPid) {
        long[] self = fields(Path.of("/proc/self/stat"));
        long[] pm = fields(Path.of("/proc/" + postmasterPid + "/stat"));
        return new CpuTime((self[16] + self[17]) / TICKS, (pm[14] + pm[15] + pm[16] + pm[17]) / TICKS);
    }

    /** What {@link #during} measures. */
    interface Work<T> {
        T run() throws Exception;
    }

    /**
     * Runs {@code work} and adds what it used to {@code into}; the second reading waits until the server has reaped the
     * backends of the run that just ended.
     */
    static <T> T during(long postmasterPid, List<CpuTime> into, Work<T> work) throws Exception {
        CpuTime before = now(postmasterPid);
        T result = work.run();
        Thread.sleep(300);
        into.add(now(postmasterPid).since(before));
        return result;
    }

    CpuTime since(CpuTime before) {
        return new CpuTime(children - before.children, server - before.server);
    }

    double total() {
        return children + server;
    }

    /** The median over {@code runs} of one reading ({@code CpuTime::server}, {@code CpuTime::total}, ...). */
    static double median(List<CpuTime> runs, ToDoubleFunction<CpuTime> reading) {
        return Benchmark.median(runs.stream().map(reading::applyAsDouble).toList());
    }

    /** The parent of process {@code pid}. */
    static long parent(long pid) {
        return fields(Path.of("/proc/" + pid + "/stat"))[4];
    }

    /** The numeric fields of a stat line, indexed as proc(5) numbers them (utime is [14], cutime [16]); comm is skipped. */
    private static long[] fields(Path stat) {
        try {
            String s = Files.readString(stat);
            String[] rest = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long[] f = new long[rest.length + 3];
            for (int i = 0; i < rest.length; i++) {
                try {
                    f[i + 3] = Long.parseLong(rest[i].trim());
                } catch (NumberFormatException e) {
                    f[i + 3] = 0; // the state letter
                }
            }
            return f;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + stat + " (CPU accounting needs Linux /proc)", e);
        }
    }
}
