# syntax=docker/dockerfile:1.7
# JVM-mode image of the land-files task (partner file drop to raw.marketplace_orders), for builds without a native toolchain.
#   docker run --rm IMAGE --feed marketplace_orders --start 2026-11-23T00:00:00+00:00 --end 2026-11-24T00:00:00+00:00
# runs the same command line as `java -jar tasks/land-files/target/quarkus-app/quarkus-run.jar --feed marketplace_orders --start 2026-11-23T00:00:00+00:00 --end 2026-11-24T00:00:00+00:00`;
# docker/src/test/java/.../JvmEntrypointIT runs this ENTRYPOINT against the packaged jar.
#
# Build from the repository root with BuildKit (ignore file: docker/land-files.jvm.Dockerfile.dockerignore):
#   docker build -f docker/land-files.jvm.Dockerfile -t shopflow/land-files:0.1.0-jvm .

FROM registry.access.redhat.com/ubi9/openjdk-21:1.23 AS build
# Root only in this throw-away stage (root-owned cache mount); the runtime stage runs as 185.
USER root
WORKDIR /code
COPY . /code/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl tasks/land-files -am package -Dmaven.test.skip=true

FROM registry.access.redhat.com/ubi9/openjdk-21-runtime:1.23
LABEL org.opencontainers.image.title="shopflow-land-files" \
      org.opencontainers.image.description="ShopFlow ingest task land-files (partner file drop to raw.marketplace_orders), JVM mode"
ENV LANG=C.UTF-8
# No config/ and no .env here: configuration comes from the environment (and *_FILE secrets) alone.
WORKDIR /deployments
# The fast-jar layout in four layers, least to most often changed, so a code change rebuilds only the last.
# Root-owned: the runtime user can read but not modify the application.
COPY --from=build /code/tasks/land-files/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build /code/tasks/land-files/target/quarkus-app/*.jar /deployments/
COPY --from=build /code/tasks/land-files/target/quarkus-app/app/ /deployments/app/
COPY --from=build /code/tasks/land-files/target/quarkus-app/quarkus/ /deployments/quarkus/
USER 185
# Exec form, no run-java.sh wrapper and no CMD: arguments go straight to the CLI, signals reach the JVM.
# Heap sized from the pod's memory limit; SerialGC suits a short batch in a small pod. Unlike the other
# tasks, land-files keeps the C2 compiler: it hashes (SHA-256 intrinsics) and parses every byte of the files
# itself, and measured 3 s faster at 4 million rows for about 50 MB more RSS (tasks/benchmark/RESULTS.md). No
# -XX:+ExitOnOutOfMemoryError: its exit code 3 would read as the contract's "data error", while the task's own
# handler reports an OutOfMemoryError as a retryable internal failure (exit 1) with its JSON summary.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+UseSerialGC", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", "/deployments/quarkus-run.jar"]
