#!/usr/bin/env bash
# Assembles the two base images the JVM Dockerfiles need, without any container registry, from Debian's
# mirror (through apt's ordinary sources) and the JDK on this machine:
#   localhost/shopflow/jvm-runtime-base  Debian bookworm's libc (mmdebstrap --variant=extract), a jlink JRE
#                                        at /opt/java, user 185 as in the production base; no shell
#   localhost/shopflow/jvm-builder-base  Debian bookworm's essential set (a shell, tar, gzip) and the full JDK
#                                        at /opt/jdk, for the Dockerfiles' Maven build stage
# The images land in buildah's local storage (/var/lib/containers, outside the repository); the rootfs tarballs
# in $SHOPFLOW_IMAGE_CACHE (default ~/.cache/shopflow-ingest/images), never in the repository.
# Usage: docker/local-base.sh            (JDK from $BASE_JDK, default /usr/lib/jvm/temurin-25-jdk-amd64)
set -euo pipefail
JDK=${BASE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}
CACHE=${SHOPFLOW_IMAGE_CACHE:-$HOME/.cache/shopflow-ingest/images}
SUITE=${BASE_SUITE:-bookworm}
RUNTIME=localhost/shopflow/jvm-runtime-base:$SUITE
BUILDER=localhost/shopflow/jvm-builder-base:$SUITE
mkdir -p "$CACHE"
[ -x "$JDK/bin/jlink" ] || { echo "no JDK with jlink at $JDK (set BASE_JDK)" >&2; exit 1; }
t0=$SECONDS

# --- runtime base ---------------------------------------------------------------------------------------
if ! buildah inspect --type image "$RUNTIME" >/dev/null 2>&1; then
  [ -s "$CACHE/runtime-rootfs.tar" ] || mmdebstrap --quiet --variant=extract \
      --include=libc6,libgcc-s1,zlib1g,base-files,netbase,tzdata "$SUITE" "$CACHE/runtime-rootfs.tar"
  work=$(mktemp -d "$CACHE/runtime.XXXX")
  # Modules of the whole Java SE API plus what Quarkus, Netty and pgjdbc reach outside it. The default CDS
  # archive of the JRE's own classes is generated too (the production base has one).
  "$JDK/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.zipfs,jdk.management,jdk.naming.dns,jdk.crypto.cryptoki \
      --strip-debug --no-header-files --no-man-pages --compress=zip-6 --generate-cds-archive --output "$work/opt/java"
  mkdir -p "$work/etc" "$work/home/default" "$work/tmp"
  # The user and group of the production base (ubi9 openjdk-21-runtime: uid 185, gid 0 as OpenShift expects).
  # (--variant=extract runs no maintainer scripts, so base-passwd's files are written here.)
  printf '%s\n' 'root:x:0:0:root:/root:/usr/sbin/nologin' 'default:x:185:0:Default application user:/home/default:/usr/sbin/nologin' \
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' > "$work/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$work/etc/group"
  chmod 1777 "$work/tmp"; chown 185:0 "$work/home/default"
  c=$(buildah from scratch)
  buildah add --quiet "$c" "$CACHE/runtime-rootfs.tar" /
  buildah copy --quiet "$c" "$work" /
  buildah config --env PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      --env JAVA_HOME=/opt/java --user 185 --workingdir /home/default \
      --label org.opencontainers.image.description="ShopFlow local JVM runtime base (Debian $SUITE libc, jlink JRE $("$JDK/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2))" "$c"
  buildah commit --quiet --rm "$c" "$RUNTIME" >/dev/null
  rm -rf "$work"
fi

# --- builder base ---------------------------------------------------------------------------------------
if ! buildah inspect --type image "$BUILDER" >/dev/null 2>&1; then
  [ -s "$CACHE/builder-rootfs.tar" ] || mmdebstrap --quiet --variant=essential "$SUITE" "$CACHE/builder-rootfs.tar"
  c=$(buildah from scratch)
  buildah add --quiet "$c" "$CACHE/builder-rootfs.tar" /
  buildah copy --quiet "$c" "$JDK" /opt/jdk
  # A packaged JDK's cacerts is often a link into the host's /etc/ssl: copy the trust store itself, to where the
  # link points (Maven Central's TLS).
  if [ -L "$JDK/lib/security/cacerts" ]; then
    certs=$(mktemp -d "$CACHE/certs.XXXX")
    cp "$(readlink -f "$JDK/lib/security/cacerts")" "$certs/cacerts"
    buildah copy --quiet "$c" "$certs" "$(dirname "$(readlink "$JDK/lib/security/cacerts")")"
    rm -rf "$certs"
  fi
  buildah config --env PATH=/opt/jdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      --env JAVA_HOME=/opt/jdk --user 0 --workingdir / "$c"
  buildah commit --quiet --rm "$c" "$BUILDER" >/dev/null
fi
echo "bases ready in $((SECONDS - t0)) s: $RUNTIME $BUILDER"
