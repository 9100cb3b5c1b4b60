# JVM-mode image of the land-files task (partner file drop to raw.marketplace_orders), for builds without a native toolchain.
#   docker run --rm IMAGE --feed marketplace_orders --start 2026-11-23T00:00:00+00:00 --end 2026-11-24T00:00:00+00:00
# runs the same command line as `java -jar tasks/land-files/target/quarkus-app/quarkus-run.jar --feed marketplace_orders --start 2026-11-23T00:00:00+00:00 --end 2026-11-24T00:00:00+00:00`;
# docker/src/test/java/.../JvmEntrypointIT runs this ENTRYPOINT against the packaged jar.
#
# Build from the repository root with BuildKit or buildah (ignore file: docker/land-files.jvm.Dockerfile.dockerignore):
#   docker build -f docker/land-files.jvm.Dockerfile -t shopflow/land-files:0.1.0-jvm .
# No `# syntax=` line: it would make BuildKit pull a frontend image (fails air-gapped); the builtin frontend
# has everything used here (RUN --mount=type=cache).

# The base images are build arguments so that a build without a registry can substitute local ones
# (docker/local-base.sh, docker/image-test.sh); the defaults are the production bases.
ARG BUILDER_IMAGE=registry.access.redhat.com/ubi9/openjdk-21:1.23
ARG RUNTIME_IMAGE=registry.access.redhat.com/ubi9/openjdk-21-runtime:1.23

FROM ${BUILDER_IMAGE} AS build
# Root only in this throw-away stage (root-owned cache mount); the runtime stage runs as 185.
USER root
WORKDIR /code
COPY . /code/
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl tasks/land-files -am package -Dmaven.test.skip=true

FROM ${RUNTIME_IMAGE}
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
# Application class-data sharing: one training start (`--help` boots Quarkus, CDI and picocli) records the
# loaded classes in an archive made by the image's own JVM, so each task start maps them instead of loading
# and verifying them again. Exec form: the runtime base needs no shell. Same JVM options as the ENTRYPOINT.
# As root: the base image may default to the runtime user, who cannot write under /deployments.
USER root
RUN ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+UseSerialGC", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-XX:ArchiveClassesAtExit=/deployments/app-cds.jsa", "-jar", "/deployments/quarkus-run.jar", "--help"]
USER 185
# Exec form, no run-java.sh wrapper and no CMD: arguments go straight to the CLI, signals reach the JVM.
# Heap sized from the pod's memory limit; SerialGC suits a short batch in a small pod. Unlike the other
# tasks, land-files keeps the C2 compiler: it hashes (SHA-256 intrinsics) and parses every byte of the files
# itself, and measured 3 s faster at 4 million rows for about 50 MB more RSS (tasks/benchmark/RESULTS.md). No
# -XX:+ExitOnOutOfMemoryError: its exit code 3 would read as the contract's "data error", while the task's own
# handler reports an OutOfMemoryError as a retryable internal failure (exit 1) with its JSON summary.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75.0", "-XX:+UseSerialGC", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-XX:SharedArchiveFile=/deployments/app-cds.jsa", "-jar", "/deployments/quarkus-run.jar"]
