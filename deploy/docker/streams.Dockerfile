# The Kafka Streams app. Build from the repository root:
#   docker build -f deploy/docker/streams.Dockerfile -t ghcr.io/flowtel/streams:0.1.0 .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl stream-jobs/kafka-streams -am package

FROM eclipse-temurin:21-jre
RUN useradd --uid 10001 --no-create-home flowtel
COPY --from=build /src/stream-jobs/kafka-streams/target/flowtel-streams.jar /opt/flowtel/flowtel-streams.jar
USER 10001
# RocksDB is a native library: allow it without the JDK's warning.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-jar", "/opt/flowtel/flowtel-streams.jar"]
