package com.shopflow.ingest.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs a packaged task the way the DAG's local runner does: {@code java -jar tasks/<module>/.../quarkus-run.jar
 * ARGS} with the contract's environment, and reads its exit code and summary line.
 */
final class TaskLauncher {
    record Outcome(int exitCode, String summary, String error) {
        boolean ok() {
            return exitCode == 0;
        }

        long field(String name) {
            String v = summary.replaceAll(".*\"" + name + "\":(\\d+).*", "$1");
            return v.equals(summary) ? -1 : Long.parseLong(v);
        }
    }

    private final Path repo;
    private final Map<String, String> env = new HashMap<>();

    TaskLauncher(Path repo, Map<String, String> env) {
        this.repo = repo;
        this.env.putAll(env);
    }

    List<String> command(String module, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                "-jar", repo.resolve("tasks/" + module + "/target/quarkus-app/quarkus-run.jar").toString()));
        cmd.addAll(args);
        return cmd;
    }

    Outcome run(String module, List<String> args, Map<String, String> extraEnv) throws IOException, InterruptedException {
        return run(module, args, extraEnv, null);
    }

    /** Runs the task; when {@code killWhen} turns true while it runs, the process is SIGKILLed (exit 137). */
    Outcome run(String module, List<String> args, Map<String, String> extraEnv, BooleanSupplier killWhen)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(module, args));
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        Path out = Files.createTempFile("demo-task", ".out");
        Path err = Files.createTempFile("demo-task", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!p.waitFor(10, TimeUnit.MILLISECONDS)) {
            if (killWhen != null && killWhen.getAsBoolean()) {
                p.destroyForcibly().waitFor();
                break;
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly().waitFor();
                break;
            }
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err).strip();
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        String[] lines = stdout.strip().split("\n");
        return new Outcome(p.exitValue(), lines[lines.length - 1], stderr.isEmpty() ? "" : stderr.lines().findFirst().orElse(""));
    }
}
