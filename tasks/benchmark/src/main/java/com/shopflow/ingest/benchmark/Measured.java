package com.shopflow.ingest.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One measured process run: wall time, peak resident memory (VmHWM, polled from /proc while it runs), exit
 * code and output.
 */
record Measured(double seconds, long peakRssKb, int exitCode, String stdout) {

    static Measured run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        return run(command, env, ProcessBuilder.Redirect.DISCARD);
    }

    /** As {@link #run(List, Map)}, with stderr sent where the caller can read why a run failed. */
    static Measured run(List<String> command, Map<String, String> env, ProcessBuilder.Redirect stderr) throws IOException,
            InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("bench", ".out");
        pb.redirectOutput(out.toFile());
        pb.redirectError(stderr);
        long t0 = System.nanoTime();
        Process p = pb.start();
        long peak = 0;
        Path status = Path.of("/proc/" + p.pid() + "/status");
        while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, hwm(status));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        String stdout = Files.readString(out);
        Files.deleteIfExists(out);
        return new Measured(s, peak, p.exitValue(), stdout);
    }

    private static long hwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // The process ended between two polls.
        }
        return 0;
    }

    /** The run of median wall time (its RSS and output with it). */
    static Measured median(List<Measured> runs) {
        List<Measured> s = runs.stream().sorted(java.util.Comparator.comparingDouble(Measured::seconds)).toList();
        return s.get((s.size() - 1) / 2);
    }

    String lastLine() {
        String[] lines = stdout.strip().split("\n");
        return lines[lines.length - 1];
    }
}
