# Sourced by the bench scripts whose Java driver runs against the party-service jar.

# bench_jar ROOT: the party-service jar built in ROOT (GENOVFL_JAR overrides).
bench_jar() {
  if [ -n "${GENOVFL_JAR:-}" ]; then
    echo "$GENOVFL_JAR"
    return
  fi
  ls "$1"/party-service/target/genovfl-party-service-*.jar | grep -v original | head -1
}

# bench_compile JAR WORK SOURCE...: unpacks the jar's classes and libraries (DemoNetwork,
# the JDBC driver) under WORK/boot, compiles the driver SOURCEs against them into
# WORK/classes, and sets cp to the jar's classpath (without WORK/classes).
bench_compile() {
  local jar=$1 work=$2
  shift 2
  unzip -q -o "$jar" 'BOOT-INF/*' -d "$work/boot"
  cp="$work/boot/BOOT-INF/classes:$work/boot/BOOT-INF/lib/*"
  javac -cp "$cp" -d "$work/classes" "$@"
}
