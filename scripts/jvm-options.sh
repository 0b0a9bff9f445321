# The JVM options a gemtrack command runs with when GEMTRACK_JAVA_OPTS is unset. Sourced by the ./gemtrack launcher
# and by the Docker image's entrypoint, so both choose alike.
gemtrack_jvm_options() {
  case "${1-}" in
    # The collector runs on every GPU machine beside the work it watches: a 32 MiB heap with the serial collector
    # and the client compiler only (BENCHMARKS.md, "The collector's footprint": 1,000 processes and 5,000 fds in
    # about 80 MiB resident; with C2 it needs 25 MiB more, with the default heap and collector 200 MiB more).
    collect) echo "-Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1" ;;
    # The parallel collector: on the 2-core machines gemtrack runs on, the JVM picks G1, whose concurrent threads
    # compete with the two a producer or aggregator keeps busy (BENCHMARKS.md: the producer at 0.5 x Kafka's
    # ProducerPerformance with G1, 1.1-1.3 x with the parallel collector).
    *) echo "-XX:+UseParallelGC" ;;
  esac
}
