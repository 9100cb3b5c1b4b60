package com.shopflow.ingest.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every task image follows the conventions; and the conventions catch what they claim to catch. */
class DockerfileConventionsTest {

    static Stream<Arguments> images() {
        return Task.ALL.stream().flatMap(t -> Stream.of(Task.Flavor.values()).map(f -> Arguments.of(t.module(), f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("images")
    void shouldFollowTheConventionsForEveryTaskImage(String module, Task.Flavor flavor) throws IOException {
        Task task = Task.named(module);
        Path file = task.dockerfile(flavor);
        assertTrue(Files.exists(file), "missing " + file);
        Dockerfile d = Dockerfile.read(file);
        List<String> violations = Stream.of(Conventions.general(d), Conventions.forTask(d, task, flavor), Conventions.ignoreFile(file))
                .flatMap(List::stream).toList();
        assertEquals(List.of(), violations, file.getFileName() + " breaks the conventions");
        assertEquals(2, d.stages().size(), "a build stage and a runtime stage");
        String text = Files.readString(file);
        assertTrue(text.contains("FROM ${BUILDER_IMAGE} AS build") && text.contains("FROM ${RUNTIME_IMAGE}\n"),
                "both base images are build arguments (a build without a registry substitutes local ones)");
    }

    @Test
    void shouldShipNoOtherDockerfilesThanTheTaskImages() throws IOException {
        try (Stream<Path> files = Files.list(Repository.root().resolve("docker"))) {
            List<String> unexpected = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("Dockerfile"))
                    .filter(n -> Task.ALL.stream().noneMatch(t -> n.startsWith(t.module() + ".")))
                    .toList();
            assertEquals(List.of(), unexpected, "every Dockerfile here belongs to a task, so every one is checked");
        }
    }

    @Test
    void shouldReportEveryBrokenConventionOfABadDockerfile() {
        Dockerfile bad = Dockerfile.parse("bad.Dockerfile", """
                # syntax=docker/dockerfile:1.7
                FROM maven:latest AS build
                RUN mvn package
                FROM registry.example.com:5000/runtime
                ENV WAREHOUSE_DB_PASSWORD=hunter2 \\
                    LANG=C.UTF-8
                ARG API_TOKEN
                ADD https://example.com/app.jar /app.jar
                COPY --from=build /x/.env /app/.env
                EXPOSE 8080
                USER root
                ENTRYPOINT java -jar /app.jar
                CMD ["--help"]
                """);
        List<String> v = Conventions.general(bad);
        String all = String.join("\n", v);
        assertTrue(all.contains("FROM maven:latest is not pinned"), all);
        assertTrue(all.contains("FROM registry.example.com:5000/runtime is not pinned"), "a registry port is not a tag:\n" + all);
        assertTrue(all.contains("ENV WAREHOUSE_DB_PASSWORD"), all);
        assertFalse(all.contains("ENV LANG"), all);
        assertTrue(all.contains("ARG API_TOKEN"), all);
        assertTrue(all.contains("ADD https://example.com/app.jar"), all);
        assertTrue(all.contains("runs as root"), all);
        assertTrue(all.contains("shell form"), all);
        assertTrue(all.contains("CMD in the final stage"), all);
        assertTrue(all.contains("EXPOSE/HEALTHCHECK"), all);
        assertTrue(all.contains("absolute WORKDIR"), all);
        assertTrue(all.contains("COPY --from=build /x/.env /app/.env"), all);
        assertTrue(all.contains("# syntax=docker/dockerfile:1.7: makes BuildKit pull"), all);
        assertEquals(12, v.size(), all);
    }

    @Test
    void shouldTellTheWrongTaskOrFlavourFromTheRightOne() {
        Dockerfile jvm = Dockerfile.read(Task.named("extract-db").dockerfile(Task.Flavor.JVM));
        assertFalse(Conventions.forTask(jvm, Task.named("land-files"), Task.Flavor.JVM).isEmpty(), "extract-db's image is not land-files'");
        assertFalse(Conventions.forTask(jvm, Task.named("extract-db"), Task.Flavor.NATIVE).isEmpty(), "a JVM image is not a native one");
    }

    @Test
    void shouldPinOnlyRealTagsAndDigests() {
        assertTrue(ImageReference.parse("quay.io/quarkus/ubi9-quarkus-micro-image:2.0").pinned());
        assertTrue(ImageReference.parse("localhost:5000/app@sha256:" + "a".repeat(64)).pinned());
        assertFalse(ImageReference.parse("localhost:5000/app").pinned());
        assertFalse(ImageReference.parse("app:latest").pinned());
        assertFalse(ImageReference.parse("app:${TAG}").pinned());
        assertFalse(ImageReference.parse("app@sha256:short").pinned());
    }
}
