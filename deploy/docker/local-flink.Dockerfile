# The local Flink base for machines that cannot pull flink:2.3.0-java17 (no registry): the local JRE
# (local-jre.Dockerfile) + a Flink 2.3 distribution's lib/ assembled from Maven Central (flink-dist
# is not served there; local-stack-flink-lib resolves the modules it is made of) + the Prometheus
# reporter in opt/ + an entrypoint that starts jobmanager / standalone-job / taskmanager as the
# official image's does. build-images.sh builds it; its context holds lib/, opt/ and local-flink/.
ARG JRE_IMAGE=localhost/flowtel/jre:25
FROM ${JRE_IMAGE}
# uid and gid 9999, as the official image's flink user (the manifests' runAsUser).
RUN groupadd --system --gid 9999 flink \
 && useradd --system --uid 9999 --gid flink --home-dir /opt/flink --no-create-home --shell /usr/sbin/nologin flink
COPY lib /opt/flink/lib
COPY opt /opt/flink/opt
COPY --chown=flink:flink local-flink/config.yaml local-flink/log4j-console.properties /opt/flink/conf/
COPY local-flink/docker-entrypoint.sh /docker-entrypoint.sh
RUN mkdir -p /opt/flink/plugins /opt/flink/usrlib /opt/flink/log && chown flink:flink /opt/flink/log
ENV FLINK_HOME=/opt/flink
WORKDIR /opt/flink
USER flink
EXPOSE 6123 8081
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["help"]
