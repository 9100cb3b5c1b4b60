package com.shopflow.ingest.docker;

import java.nio.file.Path;
import java.util.List;

/**
 * A task that ships as an image, with the flag that selects what it lands (CONTRACT §2).
 *
 * @param module       the Maven module under tasks/, also the Dockerfiles' name prefix
 * @param selectorFlag the flag naming what to land, e.g. {@code --table}
 * @param selector     a value of that flag the contract defines, e.g. {@code orders}
 */
public record Task(String module, String selectorFlag, String selector) {
    public static final List<Task> ALL = List.of(
            new Task("extract-db", "--table", "orders"),
            new Task("extract-api", "--resource", "products"),
            new Task("land-files", "--feed", "marketplace_orders"));

    /** The image flavours: a native executable, and the JVM fast-jar for builds without a native toolchain. */
    public enum Flavor {
        NATIVE, JVM;

        public String suffix() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Task named(String module) {
        return ALL.stream().filter(t -> t.module.equals(module)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task " + module));
    }

    public Path dockerfile(Flavor flavor) {
        return Repository.root().resolve("docker").resolve(module + "." + flavor.suffix() + ".Dockerfile");
    }

    /** Where `./mvnw package` leaves the fast-jar of this task; the JVM image's /deployments. */
    public Path quarkusApp() {
        return Repository.root().resolve("tasks").resolve(module).resolve("target").resolve("quarkus-app");
    }
}
