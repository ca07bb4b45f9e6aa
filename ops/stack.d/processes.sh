# shellcheck shell=bash
# Part of ops/stack.sh (sourced by it, with its settings): finding a Java for each component, and
# starting, recognising and refusing to clash with the stack's own processes.

java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

# find_java MIN CANDIDATE... : first executable java whose major version is >= MIN
find_java() {
  local min="$1" c m
  shift
  for c in "$@"; do
    [[ -n "$c" && -x "$c" ]] || continue
    m="$(java_major "$c" 2>/dev/null || true)"
    if [[ "$m" =~ ^[0-9]+$ ]] && (( m >= min )); then
      printf '%s\n' "$c"
      return 0
    fi
  done
  return 1
}

kafka_java() {
  find_java 17 "${LASTSEEN_KAFKA_JAVA:-}" "$JAVA_HOME/bin/java" \
    || die "no Java 17+ found for Kafka (set LASTSEEN_KAFKA_JAVA)"
}

registry_java() {
  find_java 21 "${LASTSEEN_REGISTRY_JAVA:-}" "$JAVA_HOME/bin/java" \
    || die "Apicurio Registry needs Java 21+; none found (set LASTSEEN_REGISTRY_JAVA)"
}


# pid of a stack component we started (pid file + live process + our marker on its command line)
pid_of() {
  local f="$RUN_DIR/$1.pid" p args
  [[ -f "$f" ]] || return 1
  p="$(<"$f")"
  [[ "$p" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$p" 2>/dev/null || return 1
  if [[ -r "/proc/$p/cmdline" ]]; then
    args="$(tr '\0' ' ' <"/proc/$p/cmdline")"
  else
    args="$(ps -o args= -p "$p" 2>/dev/null || true)"
  fi
  [[ "$args" == *"-Dlastseen.stack.id=$1@$STACK_DIR "* ]] || return 1
  printf '%s\n' "$p"
}

# launch NAME LOGFILE CMD... : start detached (own session), record its pid, no lock fd inherited
launch() {
  local name="$1" out="$2"
  shift 2
  rm -f "$RUN_DIR/$name.pid"
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN_DIR/$name.pid" "$@" </dev/null >>"$out" 2>&1 9>&- &
  local i
  for i in $(seq 1 50); do
    [[ -s "$RUN_DIR/$name.pid" ]] && return 0
    sleep 0.1
  done
  die "$name did not start (see $out)"
}

# already_running NAME: true (and says so) when NAME's process is up.
already_running() {
  local p
  p="$(pid_of "$1")" || return 1
  log "$1 already running (pid $p)"
}

# require_free_ports HINT PORT...: dies naming the variables to change when a port is taken.
require_free_ports() {
  local hint=$1 p
  shift
  for p in "$@"; do
    port_open "$p" && die "port $p is in use by another process (set $hint)"
  done
  return 0
}
