package com.shopflow.ingest.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a packaged task exactly as a user does, {@code java -jar quarkus-run.jar ARGS} with environment, and
 * lets a test wait for it, read its output, or SIGKILL it at a chosen moment.
 */
public final class AppProcess {
    private final Path jar;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();

    public AppProcess(Path jar) {
        if (!Files.exists(jar)) {
            throw new IllegalStateException("the packaged app is missing: " + jar + " (run the build with `package` first)");
        }
        this.jar = jar;
    }

    /** The jar of the module under test, from failsafe's {@code app.jar} system property. */
    public static AppProcess fromSystemProperty() {
        String p = System.getProperty("app.jar");
        if (p == null) {
            throw new IllegalStateException("system property app.jar is not set; run as a failsafe integration test");
        }
        return new AppProcess(Path.of(p));
    }

    public AppProcess env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public AppProcess env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    public AppProcess jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    public Path jar() {
        return jar;
    }

    public Map<String, String> environment() {
        return Map.copyOf(env);
    }

    /** Output of a finished run. */
    public record Result(int exitCode, String stdout, String stderr) {
        public String lastStdoutLine() {
            String[] lines = stdout.strip().split("\n");
            return lines.length == 0 ? "" : lines[lines.length - 1];
        }

        public String firstStderrLine() {
            String s = stderr.strip();
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** A started process whose output goes to files. */
    public final class Running {
        private final Process process;
        private final Path out;
        private final Path err;

        Running(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public long pid() {
            return process.pid();
        }

        public String stdoutSoFar() {
            try {
                return Files.readString(out, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        /** Waits until the output so far satisfies {@code condition}; false if the process ended or time ran out first. */
        public boolean awaitOutput(Predicate<String> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (condition.test(stdoutSoFar())) {
                    return true;
                }
                if (!process.isAlive()) {
                    return condition.test(stdoutSoFar());
                }
                Thread.sleep(20);
            }
            return false;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /** SIGKILL: no shutdown hook, no finally block runs. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        public Result await(Duration timeout) throws InterruptedException, IOException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("the task did not finish in " + timeout + "\n" + stdoutSoFar());
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }
    }

    public Running start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("SOURCE_DB") || k.startsWith("WAREHOUSE_DB")
                || k.startsWith("PRODUCTS_API") || k.startsWith("FILE_DROP") || k.startsWith("INGEST_") || k.startsWith("QUARKUS_"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile("task-out", ".log");
        Path err = Files.createTempFile("task-err", ".log");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        return new Running(pb.start(), out, err);
    }

    public Result run(Duration timeout, String... args) throws IOException, InterruptedException {
        return start(args).await(timeout);
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return run(Duration.ofMinutes(5), args);
    }
}
