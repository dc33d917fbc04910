#!/usr/bin/env bash
# The local Flink image's entrypoint (build-images.sh --local): what the official image's
# docker-entrypoint.sh does for the commands Flowtel uses, without its shell scripts (flink-dist,
# which carries them, is not on Maven Central).
#
#   jobmanager [ARGS]        a session cluster's JobManager
#   standalone-job ARGS      an application cluster's JobManager: --job-classname CLASS [--job-id ID]
#                            [--fromSavepoint PATH [--allowNonRestoredState]] [-D key=value] [JOB ARGS]
#                            (the job jar is found in /opt/flink/usrlib)
#   taskmanager [ARGS]       a TaskManager
#   anything else            run as given (e.g. bash)
#
# Configuration as the official image takes it: conf/config.yaml, then JOB_MANAGER_RPC_ADDRESS and
# TASK_MANAGER_NUMBER_OF_TASK_SLOTS, then FLINK_PROPERTIES (one "key: value" per line), each
# overriding what came before. Logs go to the console.
set -euo pipefail

FLINK_HOME=/opt/flink
CONF="$FLINK_HOME/conf"
export FLINK_HOME FLINK_CONF_DIR="$CONF" FLINK_LIB_DIR="$FLINK_HOME/lib" FLINK_PLUGINS_DIR="$FLINK_HOME/plugins"

# The flags a Flink 2.x distribution gives every JVM (env.java.opts.all in its config.yaml): Flink's
# serializers and Kryo reflect into JDK collections and time classes. Pekko and Netty still use
# sun.misc.Unsafe, which JDK 24+ warns about otherwise. Kept equal to FlinkSessionCluster.JVM_MODULE_FLAGS.
MODULE_FLAGS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  --sun-misc-unsafe-memory-access=allow
  --enable-native-access=ALL-UNNAMED
)

# Replaces (or adds) one option of conf/config.yaml. Flink's YAML parser refuses a key given twice.
set_option() {
  local key="$1" value="$2" rest
  rest=$(grep -v -E "^${key//./\\.}:" "$CONF/config.yaml" || true)
  printf '%s\n%s: %s\n' "$rest" "$key" "$value" >"$CONF/config.yaml"
}

prepare_configuration() {
  [[ -n "${JOB_MANAGER_RPC_ADDRESS:-}" ]] && set_option jobmanager.rpc.address "$JOB_MANAGER_RPC_ADDRESS"
  [[ -n "${TASK_MANAGER_NUMBER_OF_TASK_SLOTS:-}" ]] && set_option taskmanager.numberOfTaskSlots "$TASK_MANAGER_NUMBER_OF_TASK_SLOTS"
  local line key
  while IFS= read -r line; do
    [[ "$line" =~ ^[[:space:]]*(#|$) ]] && continue
    key="${line%%:*}"
    key="${key//[[:space:]]/}"
    set_option "$key" "$(sed -E 's/^[^:]*:[[:space:]]*//' <<<"$line")"
  done <<<"${FLINK_PROPERTIES:-}"
}

# What Flink's scripts ask BashJavaUtils for: the JVM's memory flags (first line) and the memory
# options they imply (second line, "-D key=value" program arguments). Dynamic options count.
memory_parameters() {
  local which="$1"; shift
  java -Xmx128m -cp "$FLINK_LIB_DIR/*" -Dlog4j2.level=WARN -Dlog4j.configurationFile="file:$CONF/log4j-console.properties" \
    org.apache.flink.runtime.util.bash.BashJavaUtils "$which" --configDir "$CONF" "$@" 2>&1 \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -2
}

run_flink() {
  local main="$1" which="$2"; shift 2
  local params jvm dynamic
  params=$(memory_parameters "$which" "$@")
  jvm=$(sed -n 1p <<<"$params")
  dynamic=$(sed -n 2p <<<"$params")
  [[ -n "$jvm" ]] || { echo "docker-entrypoint: Flink's BashJavaUtils $which printed no memory settings" >&2; exit 1; }
  # shellcheck disable=SC2086 # the flags are words
  # The memory options go before the arguments, as Flink's scripts put them: after a job's class
  # name, everything is the job's.
  exec java $jvm "${MODULE_FLAGS[@]}" -Dlog.file=/dev/null -Dlog4j.configurationFile="file:$CONF/log4j-console.properties" \
    -cp "$FLINK_LIB_DIR/*" "$main" --configDir "$CONF" $dynamic "$@"
}

command="${1:-help}"
case "$command" in
  jobmanager|standalone-job|taskmanager) shift; prepare_configuration ;;
esac
case "$command" in
  jobmanager) run_flink org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint GET_JM_RESOURCE_PARAMS "$@" ;;
  standalone-job) run_flink org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint GET_JM_RESOURCE_PARAMS "$@" ;;
  taskmanager) run_flink org.apache.flink.runtime.taskexecutor.TaskManagerRunner GET_TM_RESOURCE_PARAMS "$@" ;;
  help) sed -n '2,15p' "$0"; exit 0 ;;
  *) exec "$@" ;;
esac
