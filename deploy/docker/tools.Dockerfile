# The flowtel command line (es setup, kibana import, sink, policy explain, anomalies tail) for
# Jobs and Deployments. Build from the repository root:
#   docker build -f deploy/docker/tools.Dockerfile -t ghcr.io/flowtel/tools:0.1.0 .
# Base images are build arguments: the defaults are the public images users pull; build-images.sh
# passes a locally built Debian base on machines without a registry. JARS=build compiles in the Maven
# image; JARS=prebuilt takes the jars from a build context that holds only them (build-images.sh).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre
ARG JARS=build

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
# copy-dependencies in the same reactor as package: the sibling modules' jars exist only there.
RUN mvn -B -q -DskipTests -pl cli -am package dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/lib \
 && mkdir -p /opt/flowtel/lib && cp cli/target/lib/*.jar cli/target/flowtel-cli-*.jar /opt/flowtel/lib/

FROM scratch AS prebuilt
COPY opt/flowtel/lib /opt/flowtel/lib

FROM ${JARS} AS jars

FROM ${RUNTIME_IMAGE}
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin flowtel
COPY --from=jars /opt/flowtel/lib /opt/flowtel/lib
USER 10001
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-cp", "/opt/flowtel/lib/*", "dev.flowtel.cli.FlowtelCommand"]
