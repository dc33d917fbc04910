# The aggregation and detection jobs for Flink's application mode (FlinkDeployment jarURI
# local:///opt/flink/usrlib/flowtel-flink-job.jar). Build from the repository root:
#   docker build -f deploy/docker/flink-job.Dockerfile -t ghcr.io/flowtel/flink-job:0.1.0 .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl stream-jobs/flink -am package

# The job is compiled for Java 17, so it runs on the Java 17 images of every Flink 2.x.
FROM flink:2.3.0-java17
RUN mkdir -p /opt/flink/plugins/metrics-prometheus \
 && cp /opt/flink/opt/flink-metrics-prometheus-*.jar /opt/flink/plugins/metrics-prometheus/
COPY --from=build --chown=flink:flink /src/stream-jobs/flink/target/flowtel-flink-job.jar /opt/flink/usrlib/flowtel-flink-job.jar
