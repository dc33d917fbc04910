# The local runtime base for machines that cannot pull eclipse-temurin (no registry): a Debian
# minbase root filesystem imported by build-images.sh, plus a JRE that jlink cut from the build
# machine's JDK 25 (no compiler, no jmods, no headers or man pages). build-images.sh builds it; its
# context holds only the jlinked runtime in jre/.
ARG DEBIAN_IMAGE=localhost/flowtel/debian:bookworm-minbase
FROM ${DEBIAN_IMAGE}
COPY jre /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8
