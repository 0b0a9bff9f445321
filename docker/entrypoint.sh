#!/bin/sh
# The image's entrypoint: gemtrack with the JVM options the launcher picks for the command (scripts/jvm-options.sh),
# unless GEMTRACK_JAVA_OPTS is set; every command but the collector, whose heap is fixed, may use 75 % of the
# container's memory.
. /app/jvm-options.sh
options="$(gemtrack_jvm_options "${1-}")"
[ "${1-}" = collect ] || options="-XX:MaxRAMPercentage=75 $options"
exec java ${GEMTRACK_JAVA_OPTS-$options} -cp "/app/gemtrack-cli.jar:/app/lib/*" io.gemtrack.cli.Gemtrack "$@"
