# shellcheck shell=bash
# Shell helpers shared by ops/stack.sh (and its parts under ops/stack.d/) and the bench scripts
# (bench/lib.sh sources this file). Source it; it defines functions and runs nothing.
#   LOG_NAME   the log prefix: [LOG_NAME] message (default: the script's name)
#   LOG_TIME=1 adds the time of day: [LOG_NAME HH:MM:SS] message

LOG_NAME="${LOG_NAME:-$(basename "$0" .sh)}"

log() {
  if [[ "${LOG_TIME:-0}" == 1 ]]; then
    printf '[%s %s] %s\n' "$LOG_NAME" "$(date +%H:%M:%S)" "$*" >&2
  else
    printf '[%s] %s\n' "$LOG_NAME" "$*" >&2
  fi
}
die() { log "ERROR: $*"; exit 1; }

# port_open PORT: true when something listens on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port: a TCP port that is free right now on 127.0.0.1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# show_log_tail FILE: the last 40 lines of FILE on stderr, framed (nothing when it does not exist)
show_log_tail() {
  local f="$1"
  [[ -f "$f" ]] || return 0
  printf '[%s] ---- last lines of %s\n' "$LOG_NAME" "$f" >&2
  tail -n 40 "$f" >&2 || true
  printf '[%s] ----\n' "$LOG_NAME" >&2
}

# stop_processes TIMEOUT NAME=PID[:SIGNAL]... : sends each process its signal (TERM unless given),
# waits up to TIMEOUT seconds for all of them to exit, then SIGKILLs (and names) what is left.
stop_processes() {
  local timeout="$1" spec name pid sig pids=() names=()
  shift
  for spec in "$@"; do
    name="${spec%%=*}"
    pid="${spec#*=}"
    sig=TERM
    if [[ "$pid" == *:* ]]; then
      sig="${pid#*:}"
      pid="${pid%%:*}"
    fi
    kill -"$sig" "$pid" 2>/dev/null || true
    pids+=("$pid")
    names+=("$name")
  done
  local deadline=$((SECONDS + timeout)) i alive
  while :; do
    alive=0
    for i in "${!pids[@]}"; do
      kill -0 "${pids[$i]}" 2>/dev/null && alive=1
    done
    ((alive)) || return 0
    ((SECONDS < deadline)) || break
    sleep 0.2
  done
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      log "WARN ${names[$i]} did not stop in ${timeout}s; SIGKILL"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    fi
  done
  sleep 0.5
}

# mvn_quiet ARGS...: Maven in batch mode, quiet, its output on stderr without colour codes or blank lines
# (maven 3.8 -q still prints bare colour resets)
mvn_quiet() {
  "${MVN:-mvn}" -q -B -Dstyle.color=never "$@" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' -e '/^[[:space:]]*$/d' >&2
  return "${PIPESTATUS[0]}"
}

# print_usage SCRIPT: the comment block at the top of SCRIPT (line 2 up to `set -euo`), without the '# '
print_usage() { sed -n '2,/^set -euo/p' "$1" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }
