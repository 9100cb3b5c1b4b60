# Native image of the land-files task: partner file drop to raw.marketplace_orders.
#   docker run --rm IMAGE --feed marketplace_orders --start 2026-11-23T00:00:00+00:00 --end 2026-11-24T00:00:00+00:00
# behaves exactly like `java -jar tasks/land-files/target/quarkus-app/quarkus-run.jar --feed marketplace_orders --start 2026-11-23T00:00:00+00:00 --end 2026-11-24T00:00:00+00:00` (CONTRACT §2).
#
# Build from the repository root with BuildKit (it reads the ignore file next to this Dockerfile,
# docker/land-files.native.Dockerfile.dockerignore, instead of a root .dockerignore):
#   docker build -f docker/land-files.native.Dockerfile -t shopflow/land-files:0.1.0-native .

# Mandrel 23.1 for JDK 21, the project's Java release (Quarkus 3.33 supports 23.1 and newer).
ARG BUILDER_IMAGE=quay.io/quarkus/ubi9-quarkus-mandrel-builder-image:23.1.6.0-Final-java21
ARG RUNTIME_IMAGE=quay.io/quarkus/ubi9-quarkus-micro-image:2.0
FROM ${BUILDER_IMAGE} AS build
# Root only in this throw-away stage: a root-owned cache mount needs no uid guessing, and nothing of this
# stage but the executable reaches the runtime image.
USER root
WORKDIR /code
COPY . /code/
# The Maven repository is a cache mount: dependencies are reused between builds and never end up in a layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -pl tasks/land-files -am package -Dnative -Dmaven.test.skip=true

# ubi9 micro: glibc matching the ubi9 builder, no package manager, no shell tools beyond the minimum.
FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="shopflow-land-files" \
      org.opencontainers.image.description="ShopFlow ingest task land-files (partner file drop to raw.marketplace_orders), native executable"
# UTF-8 stdout: the JSON summary carries non-ASCII table and file names as they are.
ENV LANG=C.UTF-8
# Quarkus also reads .env and config/application.properties from the working directory: this one holds
# only the executable, so configuration comes from the environment (and *_FILE secrets) alone.
WORKDIR /work
# Root-owned and read-only: the task never writes next to itself (works with readOnlyRootFilesystem).
COPY --from=build --chmod=0555 /code/tasks/land-files/target/*-runner /work/application
USER 1001
# No CMD: `docker run IMAGE ARGS` and the KubernetesPodOperator's `arguments` are the CLI's arguments.
ENTRYPOINT ["./application"]
