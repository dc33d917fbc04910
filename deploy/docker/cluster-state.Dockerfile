# The cluster-state publisher. Build from the repository root:
#   docker build -f deploy/docker/cluster-state.Dockerfile -t ghcr.io/flowtel/cluster-state:0.1.0 .
# Base images are build arguments: the defaults are the public images users pull; build-images.sh
# passes a locally built Debian base on machines without a registry. JARS=build compiles in the Maven
# image; JARS=prebuilt takes the jars from a build context that holds only them (build-images.sh).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25
ARG RUNTIME_IMAGE=eclipse-temurin:25-jre
ARG JARS=build

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl cluster-state -am package

FROM scratch AS prebuilt
COPY cluster-state/target/flowtel-cluster-state.jar /src/cluster-state/target/flowtel-cluster-state.jar

FROM ${JARS} AS jars

FROM ${RUNTIME_IMAGE}
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin flowtel
COPY --from=jars /src/cluster-state/target/flowtel-cluster-state.jar /opt/flowtel/flowtel-cluster-state.jar
USER 10001
ENTRYPOINT ["java", "-jar", "/opt/flowtel/flowtel-cluster-state.jar"]
