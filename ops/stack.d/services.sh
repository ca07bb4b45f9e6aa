# shellcheck shell=bash
# Part of ops/stack.sh (sourced by it, with its settings): Apicurio Registry (in-memory storage) and
# the PostgreSQL of `lastseen apply`.

start_registry() {
  local java
  already_running registry && return 0
  require_free_ports "LASTSEEN_REGISTRY_PORT / LASTSEEN_REGISTRY_MGMT_PORT" "$LASTSEEN_REGISTRY_PORT" "$LASTSEEN_REGISTRY_MGMT_PORT"
  mkdir -p "$DATA_DIR/registry/tmp" "$LOG_DIR" "$RUN_DIR"
  java="$(registry_java)"
  log "starting Apicurio Registry on 127.0.0.1:$LASTSEEN_REGISTRY_PORT (in-memory storage, $java)"
  # shellcheck disable=SC2086 # heap opts are a word list
  launch registry "$LOG_DIR/registry.log" "$java" $REGISTRY_HEAP_OPTS -XX:+UseSerialGC \
    -Djava.awt.headless=true "-XX:ErrorFile=$LOG_DIR/registry-hs_err_%p.log" \
    "-Djava.io.tmpdir=$DATA_DIR/registry/tmp" \
    "-Dlastseen.stack.id=registry@$STACK_DIR" \
    -Dquarkus.http.host=127.0.0.1 "-Dquarkus.http.port=$LASTSEEN_REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 "-Dquarkus.management.port=$LASTSEEN_REGISTRY_MGMT_PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    "-Dapicurio.datasource.url=jdbc:h2:mem:lastseen;DB_CLOSE_DELAY=-1" \
    "-Dapicurio.storage.snapshot.location=$DATA_DIR/registry/tmp" \
    "-Dapicurio.import.work-dir=$DATA_DIR/registry/tmp" \
    -Dapicurio.rest.deletion.group.enabled=true \
    -Dapicurio.rest.deletion.artifact.enabled=true \
    -Dapicurio.rest.deletion.artifact-version.enabled=true \
    '-Dquarkus.log.console.format=%d{yyyy-MM-dd'"'"'T'"'"'HH:mm:ss.SSSXXX} %-5p [%c{3.}] (%t) %s%e%n' \
    -jar "$APICURIO_DIR/quarkus-run.jar"
}

registry_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$LASTSEEN_SCHEMA_REGISTRY_URL/subjects" 2>/dev/null || true
}

wait_registry() {
  local deadline=$((SECONDS + TIMEOUT))
  until [[ "$(registry_code)" == 200 ]]; do
    pid_of registry >/dev/null || { show_log_tail "$LOG_DIR/registry.log"; die "registry exited during startup"; }
    (( SECONDS < deadline )) || { show_log_tail "$LOG_DIR/registry.log"; die "registry not ready after ${TIMEOUT}s"; }
    sleep 0.5
  done
  log "registry ready on $LASTSEEN_SCHEMA_REGISTRY_URL"
}

# ------------------------------------------------------------------ postgres

# The project's PostgreSQL fixture (server binaries from Maven Central, as the tests and the demo use),
# started by `lastseen postgres` so that it outlives the command; database tokens with loadgen's fleet.
PG_DIR="$DATA_DIR/postgres"

# pid of the postmaster (first line of postmaster.pid), when it runs
pg_pid() {
  local f="$PG_DIR/postmaster.pid" p
  [[ -f "$f" ]] || return 1
  p="$(head -n 1 "$f")"
  [[ "$p" =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null || return 1
  printf '%s\n' "$p"
}

start_postgres() {
  local p
  if p="$(pg_pid)"; then
    log "postgres already running (pid $p)"
    return 0
  fi
  require_free_ports "LASTSEEN_POSTGRES_PORT" "$LASTSEEN_POSTGRES_PORT"
  mkdir -p "$DATA_DIR" "$LOG_DIR"
  log "starting PostgreSQL on 127.0.0.1:$LASTSEEN_POSTGRES_PORT (builds lastseen-dev.jar on first use)"
  "$ROOT_DIR/lastseen" postgres --dir "$PG_DIR" --port "$LASTSEEN_POSTGRES_PORT" \
    --tokens "${LASTSEEN_POSTGRES_TOKENS:-10000}" --applier-password "$LASTSEEN_APPLY_JDBC_PASSWORD" \
    </dev/null >>"$LOG_DIR/postgres-setup.log" 2>&1 9>&- \
    || { show_log_tail "$LOG_DIR/postgres-setup.log"; show_log_tail "$DATA_DIR/postgres.log"; die "postgres did not start"; }
  log "postgres ready: $LASTSEEN_APPLY_JDBC_URL (migrated; role $LASTSEEN_APPLY_JDBC_USER)"
}
