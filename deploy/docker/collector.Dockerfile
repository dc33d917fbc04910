# The node agent. Build from the repository root:
#   docker build -f deploy/docker/collector.Dockerfile -t ghcr.io/flowtel/collector:0.1.0 .
# The eBPF objects are committed beside their sources, so this build needs no clang.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl collector -am package

FROM eclipse-temurin:25-jre
# libbpf1 is the only native library the agent calls (over the FFM API, no JNI).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libbpf1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/collector/target/flowtel-collector.jar /opt/flowtel/flowtel-collector.jar
# Runs as root inside the container but unprivileged: the DaemonSet drops every capability
# except BPF, NET_ADMIN, PERFMON (and SYS_RESOURCE); eBPF needs them on the host's namespace.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/flowtel/flowtel-collector.jar"]
