package com.shopflow.ingest.docker;

import com.shopflow.ingest.testkit.AppProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A built image of a task, run with a container engine the way the KubernetesPodOperator's pod runs it: the image's
 * own ENTRYPOINT and USER, the pod's environment, a read-only root file system, no capabilities, no privilege
 * escalation. Chosen by system properties, so that the same test runs JVM images here (podman) and native images
 * on a CI with Docker:
 * <ul>
 *   <li>{@code image.tag}: the tag of the images to test, e.g. {@code 0.1.0-jvm} (the test skips without it);</li>
 *   <li>{@code image.repository}: prefix of the image names, default {@code localhost/shopflow/};</li>
 *   <li>{@code image.engine}: {@code podman} (default) or {@code docker};</li>
 *   <li>{@code image.run-options}: extra engine options, space-separated (here:
 *       {@code --runtime runc --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --read-only-tmpfs=false}).</li>
 * </ul>
 */
public record ContainerImage(String engine, List<String> engineOptions, String reference) {

    /** A directory on the host mounted into the container. */
    public record Mount(Path host, String container, boolean readOnly) {
        String option() {
            return host + ":" + container + (readOnly ? ":ro" : ":rw");
        }
    }

    public static String tag() {
        return System.getProperty("image.tag", "");
    }

    public static ContainerImage of(Task task) {
        String options = System.getProperty("image.run-options", "").strip();
        return new ContainerImage(System.getProperty("image.engine", "podman"),
                options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+")),
                System.getProperty("image.repository", "localhost/shopflow/") + task.module() + ":" + tag());
    }

    /** {@code ENGINE image inspect --format FORMAT IMAGE}, e.g. {@code {{.Config.User}}}. */
    public String inspect(String format) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(engine, "image", "inspect", "--format", format, reference).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(engine + " image inspect " + reference + ": " + out);
        }
        return out;
    }

    /** The full {@code ENGINE run} command line; the environment goes through an env file, never the command line. */
    public List<String> command(Path envFile, List<Mount> mounts, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(engine, "run", "--rm", "--network", "host", "--pull", "never",
                // The pod's securityContext (dags/shopflow/factory.py) plus a read-only root file system.
                "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                "--memory", "1g", "--env-file", envFile.toString()));
        cmd.addAll(engineOptions);
        for (Mount m : mounts) {
            cmd.add("-v");
            cmd.add(m.option());
        }
        cmd.add(reference);
        cmd.addAll(args);
        return cmd;
    }

    /** Runs the image with {@code env} (the pod's variables) and {@code mounts}; the Instant it started is in the result. */
    public Run run(Map<String, String> env, List<Mount> mounts, Duration timeout, String... args) throws IOException, InterruptedException {
        Path envFile = Files.createTempFile("pod", ".env");
        Path out = Files.createTempFile("image-out", ".log");
        Path err = Files.createTempFile("image-err", ".log");
        try {
            StringBuilder lines = new StringBuilder();
            env.forEach((k, v) -> lines.append(k).append('=').append(v).append('\n'));
            Files.writeString(envFile, lines, StandardCharsets.UTF_8);
            List<String> cmd = command(envFile, mounts, List.of(args));
            long started = System.nanoTime();
            java.time.Instant startedAt = java.time.Instant.now();
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(reference + " did not finish within " + timeout + ": " + String.join(" ", cmd));
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - started);
            return new Run(new AppProcess.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8)), startedAt, wall);
        } finally {
            Files.deleteIfExists(envFile);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** One finished container: its exit code and output, when `ENGINE run` was started and how long it took. */
    public record Run(AppProcess.Result result, java.time.Instant startedAt, Duration wall) {
    }
}
