#!/usr/bin/env bash
# Builds the three JVM images from docker/*.jvm.Dockerfile with buildah, on local bases (docker/local-base.sh; no
# registry needed), and runs docker/src/test/.../ImageRunIT against them with podman: each image as the
# KubernetesPodOperator launches it, against real PostgreSQL, the simulator's API and a file drop.
#   docker/image-test.sh                 build the bases (once), the images, run the test
#   IMAGE_TEST_SKIP_BUILD=1 docker/image-test.sh   only run the test against images already built
# Needs (Debian): buildah podman runc mmdebstrap openssl, a JDK >= 21 with jlink (BASE_JDK).
# Image sizes and build times go to docker/target/image-figures.txt, with the test's start-up figures.
set -euo pipefail
cd "$(dirname "$0")/.."
TAG=${IMAGE_TAG:-0.1.0-jvm}
SUITE=${BASE_SUITE:-bookworm}
# podman/buildah as they work on a host whose cgroup layout crun rejects and whose hard limits are low.
LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
RUN_OPTIONS="--runtime runc ${LIMITS[*]} --read-only-tmpfs=false"
mkdir -p docker/target
FIGURES=docker/target/image-figures.txt
: > "$FIGURES"

if [ -z "${IMAGE_TEST_SKIP_BUILD:-}" ]; then
  docker/local-base.sh
  for task in extract-db extract-api land-files; do
    t0=$SECONDS
    buildah bud --quiet --layers --runtime runc "${LIMITS[@]}" --network host \
      --build-arg BUILDER_IMAGE="localhost/shopflow/jvm-builder-base:$SUITE" \
      --build-arg RUNTIME_IMAGE="localhost/shopflow/jvm-runtime-base:$SUITE" \
      --ignorefile "docker/$task.jvm.Dockerfile.dockerignore" \
      -f "docker/$task.jvm.Dockerfile" -t "localhost/shopflow/$task:$TAG" . >/dev/null
    echo "FIGURE localhost/shopflow/$task:$TAG build=$((SECONDS - t0))s size=$(podman image inspect --format '{{.Size}}' "localhost/shopflow/$task:$TAG")B" | tee -a "$FIGURES"
  done
fi

./mvnw -B -ntp -pl docker -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=ImageRunIT -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dimage.tag="$TAG" -Dimage.engine=podman -Dimage.run-options="$RUN_OPTIONS"
cat "$FIGURES"
