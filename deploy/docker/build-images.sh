#!/usr/bin/env bash
# Builds Flowtel's five images and tags them as the manifests name them (ghcr.io/flowtel/<image>:<version>).
#
#   deploy/docker/build-images.sh                 docker or podman, public base images, Maven inside the build
#   deploy/docker/build-images.sh --local         podman on a machine without a registry: jars built on the
#                                                 host, a Debian minbase (debootstrap) + jlinked JDK 25 as base,
#                                                 and for flink-job a local Flink 2.3 on it (local-flink.Dockerfile)
#   options: --images "collector tools"  --version 0.1.0  --cache DIR (local bases, default /var/tmp/flowtel-images)
#
# --local needs podman, runc and debootstrap (apt-get install podman runc debootstrap), root, and
# deb.debian.org reachable once (the Debian base is cached in --cache and reused while it exists).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IMAGES=(collector flink-job streams cluster-state tools)
VERSION=0.1.0
LOCAL=false
CACHE=/var/tmp/flowtel-images
while (($#)); do
  case "$1" in
    --local) LOCAL=true ;;
    --images) read -r -a IMAGES <<<"$2"; shift ;;
    --version) VERSION="$2"; shift ;;
    --cache) CACHE="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "build-images: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

say() { echo "build-images: $*" >&2; }

if ! $LOCAL; then
  engine=$(command -v docker || command -v podman || true)
  [[ -n "$engine" ]] || { say "needs docker or podman on the PATH"; exit 1; }
  for image in "${IMAGES[@]}"; do
    "$engine" build -f "$ROOT/deploy/docker/$image.Dockerfile" -t "ghcr.io/flowtel/$image:$VERSION" "$ROOT"
  done
  exit 0
fi

for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null || { say "--local needs $tool (apt-get install podman runc debootstrap)"; exit 1; }
done
# crun (podman's default here) refuses this kind of VM's hybrid cgroup mounts; runc runs. The default
# ulimits are above what a container may set on it.
PODMAN=(podman --runtime runc)
BUILD_LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
# Reproducible layers: file times are the commit's, not the build's.
EPOCH=$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mkdir -p "$CACHE"
# One build at a time per cache: two test modules building at once must not share a half-made root
# filesystem or both import a base image.
exec 9>"$CACHE/.lock"
flock 9

debian=localhost/flowtel/debian:bookworm-minbase
if ! "${PODMAN[@]}" image exists "$debian"; then
  rootfs="$CACHE/rootfs"
  if [[ ! -x "$rootfs/bin/sh" ]]; then
    say "debootstrap bookworm minbase (+ libbpf1 for the collector) into $rootfs"
    rm -rf "$rootfs.partial"
    debootstrap --variant=minbase --include=libbpf1 bookworm "$rootfs.partial" http://deb.debian.org/debian >"$CACHE/debootstrap.log" 2>&1 \
      || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
    mv "$rootfs.partial" "$rootfs"
  fi
  # What a runtime never reads: package indexes and caches, documentation, translations.
  say "importing $debian"
  tar -C "$rootfs" \
    --exclude=./var/lib/apt/lists --exclude=./var/cache/apt --exclude=./usr/share/doc --exclude=./usr/share/man \
    --exclude=./usr/share/info --exclude=./usr/share/locale --exclude=./proc --exclude=./sys --exclude=./dev \
    -c . | "${PODMAN[@]}" import --change 'CMD ["/bin/bash"]' - "$debian" >/dev/null
fi

jre=localhost/flowtel/jre:25
if ! "${PODMAN[@]}" image exists "$jre"; then
  context="$CACHE/jre-context"
  rm -rf "$context" && mkdir -p "$context"
  # java.se plus what the programs reach outside it: the Prometheus HTTP server (jdk.httpserver),
  # sun.misc.Unsafe users (jdk.unsupported), JFR, DNS lookups of SASL/Kerberos and zip file systems.
  say "jlink a JRE from $JAVA_HOME"
  "$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.httpserver,jdk.management,jdk.jfr,jdk.naming.dns,jdk.zipfs,jdk.security.auth,jdk.security.jgss,jdk.crypto.cryptoki,jdk.net \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$context/jre"
  "${PODMAN[@]}" build "${BUILD_LIMITS[@]}" --timestamp "$EPOCH" --build-arg DEBIAN_IMAGE="$debian" \
    -f "$ROOT/deploy/docker/local-jre.Dockerfile" -t "$jre" "$context" >&2
fi

# The jars: what `mvn package` makes, built once on the host for every image.
declare -A JAR=(
  [collector]=collector/target/flowtel-collector.jar
  [cluster-state]=cluster-state/target/flowtel-cluster-state.jar
  [streams]=stream-jobs/kafka-streams/target/flowtel-streams.jar
  [flink-job]=stream-jobs/flink/target/flowtel-flink-job.jar
)
missing=()
for image in "${IMAGES[@]}"; do
  case "$image" in
    tools) [[ -f "$ROOT/cli/target/flowtel.classpath" ]] && compgen -G "$ROOT/cli/target/flowtel-cli-*.jar" >/dev/null || missing+=(cli) ;;
    *) [[ -f "$ROOT/${JAR[$image]}" ]] || missing+=("$(dirname "$(dirname "${JAR[$image]}")")") ;;
  esac
done
# The local Flink base's lib/ and opt/: the jars local-stack-flink-lib resolves (classpath files).
FLINK_LIB=local-stack-flink-lib/target/generated-resources/flink-lib/dev/flowtel/localstack/flink-cluster.classpath
FLINK_OPT=local-stack-flink-lib/target/flink-opt.classpath
if [[ " ${IMAGES[*]} " == *" flink-job "* ]] && [[ ! -f "$ROOT/$FLINK_LIB" || ! -f "$ROOT/$FLINK_OPT" ]]; then
  missing+=(local-stack-flink-lib)
fi
if ((${#missing[@]})); then
  say "building ${missing[*]} (mvn package, tests skipped)"
  modules=$(IFS=,; echo "${missing[*]}")
  # cli's package writes target/flowtel.classpath: its runtime jars, siblings' from their target/.
  JAVA_HOME="$JAVA_HOME" mvn -B -q -f "$ROOT/pom.xml" -DskipTests -pl "$modules" -am package
fi

# Copies the jars a classpath file names into a directory (a missing one means a stale build).
copy_classpath() {
  local file="$1" dir="$2" entries entry
  mkdir -p "$dir"
  IFS=: read -r -a entries <"$file" || true  # no newline at its end
  for entry in "${entries[@]}"; do
    [[ -f "$entry" ]] || { say "$file names $entry, not a jar: package its module again"; exit 1; }
    cp "$entry" "$dir/"
  done
}

# The local Flink base, rebuilt when its lib/ changes (another Flink version): the image is labelled
# with a digest of the classpath files and the entrypoint.
flink=localhost/flowtel/flink:2.3.0-java25
if [[ " ${IMAGES[*]} " == *" flink-job "* ]]; then
  flink_inputs=$(cat "$ROOT/$FLINK_LIB" "$ROOT/$FLINK_OPT" "$ROOT"/deploy/docker/local-flink/* "$ROOT/deploy/docker/local-flink.Dockerfile" | sha256sum | cut -c1-16)
  if [[ "$("${PODMAN[@]}" image inspect --format '{{index .Labels "dev.flowtel.inputs"}}' "$flink" 2>/dev/null)" != "$flink_inputs" ]]; then
    context="$CACHE/flink-context"
    rm -rf "$context" && mkdir -p "$context"
    copy_classpath "$ROOT/$FLINK_LIB" "$context/lib"
    copy_classpath "$ROOT/$FLINK_OPT" "$context/opt"
    cp -r "$ROOT/deploy/docker/local-flink" "$context/"
    say "building $flink (Flink's lib/ from local-stack-flink-lib's jars)"
    "${PODMAN[@]}" build "${BUILD_LIMITS[@]}" --timestamp "$EPOCH" --build-arg JRE_IMAGE="$jre" --label "dev.flowtel.inputs=$flink_inputs" \
      -f "$ROOT/deploy/docker/local-flink.Dockerfile" -t "$flink" "$context" >"$CACHE/build-flink.log" 2>&1 \
      || { tail -30 "$CACHE/build-flink.log" >&2; exit 1; }
  fi
fi

for image in "${IMAGES[@]}"; do
  context="$CACHE/context-$image"
  rm -rf "$context" && mkdir -p "$context"
  runtime=$jre
  case "$image" in
    tools)
      copy_classpath "$ROOT/cli/target/flowtel.classpath" "$context/opt/flowtel/lib"
      cp "$ROOT"/cli/target/flowtel-cli-*.jar "$context/opt/flowtel/lib/" ;;
    flink-job)
      runtime=$flink
      mkdir -p "$context/$(dirname "${JAR[$image]}")"
      cp "$ROOT/${JAR[$image]}" "$context/${JAR[$image]}" ;;
    *)
      mkdir -p "$context/$(dirname "${JAR[$image]}")"
      cp "$ROOT/${JAR[$image]}" "$context/${JAR[$image]}" ;;
  esac
  say "building ghcr.io/flowtel/$image:$VERSION on $runtime"
  "${PODMAN[@]}" build "${BUILD_LIMITS[@]}" --timestamp "$EPOCH" --build-arg RUNTIME_IMAGE="$runtime" --build-arg JARS=prebuilt \
    -f "$ROOT/deploy/docker/$image.Dockerfile" -t "ghcr.io/flowtel/$image:$VERSION" "$context" >"$CACHE/build-$image.log" 2>&1 \
    || { tail -30 "$CACHE/build-$image.log" >&2; exit 1; }
done
"${PODMAN[@]}" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(ghcr.io/flowtel|localhost/flowtel)/' >&2
