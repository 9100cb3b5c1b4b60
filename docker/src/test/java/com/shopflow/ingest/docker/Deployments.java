package com.shopflow.ingest.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A private copy of a task's {@code target/quarkus-app}, as the JVM image holds it in {@code /deployments}.
 * Running the copy, not the build output, keeps a run whole while someone rebuilds the module next to it
 * (a jar replaced mid-run fails in odd ways, e.g. ServiceLoader "Error accessing configuration file").
 */
final class Deployments {
    private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

    private Deployments() {
    }

    /** The copy for {@code task}, made once per test JVM. */
    static Path of(Task task) {
        return COPIES.computeIfAbsent(task.module(), m -> copy(task.quarkusApp()));
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort at exit: it is a temporary directory.
        }
    }

    private static Path copy(Path app) {
        try {
            Path target = Files.createTempDirectory("deployments-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(target)));
            try (Stream<Path> files = Files.walk(app)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path to = target.resolve(app.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            if (!Files.isRegularFile(target.resolve("quarkus-run.jar"))) {
                throw new IllegalStateException(app + " has no quarkus-run.jar (a build in progress?)");
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy " + app, e);
        }
    }
}
