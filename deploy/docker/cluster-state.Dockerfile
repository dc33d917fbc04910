# The cluster-state publisher. Build from the repository root:
#   docker build -f deploy/docker/cluster-state.Dockerfile -t ghcr.io/flowtel/cluster-state:0.1.0 .
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl cluster-state -am package

FROM eclipse-temurin:21-jre
RUN useradd --uid 10001 --no-create-home flowtel
COPY --from=build /src/cluster-state/target/flowtel-cluster-state.jar /opt/flowtel/flowtel-cluster-state.jar
USER 10001
ENTRYPOINT ["java", "-jar", "/opt/flowtel/flowtel-cluster-state.jar"]
