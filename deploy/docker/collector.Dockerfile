# The node agent. Build from the repository root:
#   docker build -f deploy/docker/collector.Dockerfile -t ghcr.io/flowtel/collector:0.1.0 .
# or every image at once, with Docker or podman: deploy/docker/build-images.sh
# The eBPF objects are committed beside their sources, so this build needs no clang.
# Base images are build arguments: the defaults are the public images users pull; build-images.sh
# passes a locally built Debian base on machines without a registry. JARS=build compiles in the Maven
# image; JARS=prebuilt takes the jars from a build context that holds only them (build-images.sh).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre
ARG JARS=build

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl collector -am package

FROM scratch AS prebuilt
COPY collector/target/flowtel-collector.jar /src/collector/target/flowtel-collector.jar

FROM ${JARS} AS jars

FROM ${RUNTIME_IMAGE}
# libbpf1 is the only native library the agent calls (over the FFM API, no JNI); a base that has it
# already (the local one) needs no package index.
RUN if ! ldconfig -p | grep -q 'libbpf\.so\.1 '; then \
      apt-get update && apt-get install -y --no-install-recommends libbpf1 && rm -rf /var/lib/apt/lists/*; \
    fi
COPY --from=jars /src/collector/target/flowtel-collector.jar /opt/flowtel/flowtel-collector.jar
# Runs as root inside the container but unprivileged: the DaemonSet drops every capability except
# BPF, NET_ADMIN, PERFMON and SYS_RESOURCE, and a non-root user would not hold even those (Kubernetes
# grants added capabilities to root only, absent ambient capabilities).
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/flowtel/flowtel-collector.jar"]
