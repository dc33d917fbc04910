# The Kafka Streams app. Build from the repository root:
#   docker build -f deploy/docker/streams.Dockerfile -t ghcr.io/flowtel/streams:0.1.0 .
# Base images are build arguments: the defaults are the public images users pull; build-images.sh
# passes a locally built Debian base on machines without a registry. JARS=build compiles in the Maven
# image; JARS=prebuilt takes the jars from a build context that holds only them (build-images.sh).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre
ARG JARS=build

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl stream-jobs/kafka-streams -am package

FROM scratch AS prebuilt
COPY stream-jobs/kafka-streams/target/flowtel-streams.jar /src/stream-jobs/kafka-streams/target/flowtel-streams.jar

FROM ${JARS} AS jars

FROM ${RUNTIME_IMAGE}
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin flowtel
COPY --from=jars /src/stream-jobs/kafka-streams/target/flowtel-streams.jar /opt/flowtel/flowtel-streams.jar
USER 10001
# RocksDB is a native library: allow it without the JDK's warning.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/flowtel/flowtel-streams.jar"]
