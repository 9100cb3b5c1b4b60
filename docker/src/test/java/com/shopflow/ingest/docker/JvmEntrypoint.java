package com.shopflow.ingest.docker;

import com.shopflow.ingest.docker.Dockerfile.Instruction;
import com.shopflow.ingest.testkit.AppProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM image of a task, run without Docker: the final stage's ENTRYPOINT, ENV and WORKDIR as written in the
 * Dockerfile, with {@code /deployments} mapped to a copy of the module's {@code target/quarkus-app} (what the image
 * copies there; see {@link Deployments}) and {@code java} to this test's JVM. So `docker run IMAGE ARGS` and this
 * command line run the same jar with the same options and arguments; only the JDK differs (the image has 21, the
 * test JVM may be newer).
 */
public record JvmEntrypoint(Task task, List<String> entrypoint, Map<String, String> imageEnv, String workdir) {
    private static final String DEPLOYMENTS = "/deployments";
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");

    public static JvmEntrypoint of(Task task) {
        Dockerfile d = Dockerfile.read(task.dockerfile(Task.Flavor.JVM));
        Dockerfile.Stage image = d.finalStage();
        List<String> entrypoint = image.last("ENTRYPOINT").flatMap(e -> ExecForm.parse(e.arguments()))
                .orElseThrow(() -> new IllegalStateException(d.name() + " has no exec-form ENTRYPOINT"));
        Map<String, String> env = new LinkedHashMap<>();
        for (Instruction in : image.all("ENV")) {
            Matcher m = ENV_PAIR.matcher(in.arguments());
            while (m.find()) {
                env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return new JvmEntrypoint(task, entrypoint, Map.copyOf(env), image.last("WORKDIR").map(Instruction::arguments).orElse("/"));
    }

    /** True when `./mvnw package` has built the jar this image would copy. */
    public boolean packaged() {
        return Files.isRegularFile(task.quarkusApp().resolve("quarkus-run.jar"));
    }

    /** The ENTRYPOINT plus {@code args}, as a command line on this machine. */
    public List<String> command(List<String> args) {
        List<String> cmd = new ArrayList<>();
        for (String word : entrypoint) {
            if (word.startsWith("-XX:SharedArchiveFile=")) {
                continue; // the class-data archive is made at image build time; a missing one is reported on stdout
            }
            cmd.add(word.equals("java") ? ProcessHandle.current().info().command().orElse("java") : local(word));
        }
        cmd.addAll(args);
        return cmd;
    }

    /** Runs the command with the image's ENV and {@code env} (the pod's), nothing inherited that the contract defines. */
    public AppProcess.Result run(Map<String, String> env, Duration timeout, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command(List.of(args))).directory(Path.of(local(workdir)).toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("SOURCE_DB") || k.startsWith("WAREHOUSE_DB") || k.startsWith("PRODUCTS_API")
                || k.startsWith("FILE_DROP") || k.startsWith("INGEST_") || k.startsWith("QUARKUS_") || k.startsWith("JAVA_TOOL_OPTIONS"));
        pb.environment().putAll(imageEnv);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("entrypoint-out", ".log");
        Path err = Files.createTempFile("entrypoint-err", ".log");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(task.module() + " did not finish within " + timeout + ": " + command(List.of(args)));
            }
            return new AppProcess.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private String local(String imagePath) {
        if (imagePath.equals(DEPLOYMENTS) || imagePath.startsWith(DEPLOYMENTS + "/")) {
            return Deployments.of(task).resolve(imagePath.substring(DEPLOYMENTS.length()).replaceFirst("^/", "")).toString();
        }
        return imagePath;
    }
}
