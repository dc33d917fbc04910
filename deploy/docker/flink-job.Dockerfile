# The aggregation and detection jobs for Flink's application mode (FlinkDeployment jarURI
# local:///opt/flink/usrlib/flowtel-flink-job.jar). Build from the repository root:
#   docker build -f deploy/docker/flink-job.Dockerfile -t ghcr.io/flowtel/flink-job:0.1.0 .
# Base images are build arguments: the defaults are the public images users pull; build-images.sh
# --local passes its local Flink base (local-flink.Dockerfile). JARS=build compiles in the Maven
# image; JARS=prebuilt takes the jar from a build context that holds only it (build-images.sh).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25
# The job is compiled for Java 17, so it runs on the Java 17 images of every Flink 2.x.
ARG RUNTIME_IMAGE=flink:2.3.0-java17
ARG JARS=build

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl stream-jobs/flink -am package

FROM scratch AS prebuilt
COPY stream-jobs/flink/target/flowtel-flink-job.jar /src/stream-jobs/flink/target/flowtel-flink-job.jar

FROM ${JARS} AS jars

FROM ${RUNTIME_IMAGE}
# The reporter is a plugin: its own directory under plugins/, its own class loader.
USER root
RUN mkdir -p /opt/flink/plugins/metrics-prometheus \
 && cp /opt/flink/opt/flink-metrics-prometheus-*.jar /opt/flink/plugins/metrics-prometheus/
COPY --from=jars --chown=flink:flink /src/stream-jobs/flink/target/flowtel-flink-job.jar /opt/flink/usrlib/flowtel-flink-job.jar
USER flink
