# The flowtel command line (es setup, kibana import, sink, policy explain, anomalies tail) for
# Jobs and Deployments. Build from the repository root:
#   docker build -f deploy/docker/tools.Dockerfile -t ghcr.io/flowtel/tools:0.1.0 .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl cli -am package \
 && mvn -B -q -pl cli dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/opt/flowtel/lib \
 && cp cli/target/flowtel-cli-*.jar /opt/flowtel/lib/

FROM eclipse-temurin:25-jre
RUN useradd --uid 10001 --no-create-home flowtel
COPY --from=build /opt/flowtel/lib /opt/flowtel/lib
USER 10001
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-cp", "/opt/flowtel/lib/*", "dev.flowtel.cli.FlowtelCommand"]
