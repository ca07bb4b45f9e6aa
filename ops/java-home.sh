#!/usr/bin/env bash
# Finds the JDK that builds and runs lastseen: Java 21 or newer (the build's release and the
# Apicurio Registry's minimum). Every script that runs java or mvn goes through this one.
#
#   . ops/java-home.sh        exports JAVA_HOME and puts its bin/ first on PATH (fails the caller otherwise)
#   ops/java-home.sh          prints the JDK's home directory (exit 1 and a message when there is none)
#
# Looked for in this order; the first JDK (bin/java and bin/javac) of version 21+ wins:
#   1. LASTSEEN_JAVA_HOME (an explicit choice: an unusable one is an error, not skipped)
#   2. JAVA_HOME
#   3. the `java` on PATH
#   4. the newest JDK under /usr/lib/jvm (where Debian and the Temurin packages install)

lastseen_java_min=21

# lastseen_java_major HOME: the feature version of the JDK at HOME (from its release file, else java -version)
lastseen_java_major() {
  local home="$1" v=""
  if [[ -r "$home/release" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")"
  fi
  if [[ -z "$v" && -x "$home/bin/java" ]]; then
    v="$("$home/bin/java" -version 2>&1 | awk -F'"' '/version/ { print $2; exit }')"
  fi
  v="${v#1.}"
  v="${v%%[.+-]*}"
  [[ "$v" =~ ^[0-9]+$ ]] && printf '%s\n' "$v"
}

# lastseen_is_jdk HOME: true when HOME is a JDK of version >= lastseen_java_min
lastseen_is_jdk() {
  local home="$1" major
  [[ -n "$home" && -x "$home/bin/java" && -x "$home/bin/javac" ]] || return 1
  major="$(lastseen_java_major "$home")" || return 1
  ((major >= lastseen_java_min))
}

lastseen_find_java_home() {
  local home best="" best_major=0 major java
  if [[ -n "${LASTSEEN_JAVA_HOME:-}" ]]; then
    if lastseen_is_jdk "$LASTSEEN_JAVA_HOME"; then
      printf '%s\n' "$LASTSEEN_JAVA_HOME"
      return 0
    fi
    echo "lastseen: LASTSEEN_JAVA_HOME=$LASTSEEN_JAVA_HOME is not a JDK $lastseen_java_min or newer (needs bin/java and bin/javac)." >&2
    return 1
  fi
  if lastseen_is_jdk "${JAVA_HOME:-}"; then
    printf '%s\n' "$JAVA_HOME"
    return 0
  fi
  if java="$(command -v java 2>/dev/null)"; then
    home="$(dirname "$(dirname "$(readlink -f "$java")")")"
    if lastseen_is_jdk "$home"; then
      printf '%s\n' "$home"
      return 0
    fi
  fi
  for home in /usr/lib/jvm/*/; do
    home="${home%/}"
    [[ -L "$home" ]] && continue # Debian's version aliases point at a directory listed anyway
    lastseen_is_jdk "$home" || continue
    major="$(lastseen_java_major "$home")"
    if ((major > best_major)); then
      best="$home"
      best_major="$major"
    fi
  done
  if [[ -n "$best" ]]; then
    printf '%s\n' "$best"
    return 0
  fi
  cat >&2 <<EOF
lastseen: no JDK $lastseen_java_min or newer found. lastseen builds with Java $lastseen_java_min (release $lastseen_java_min).
  Install one, e.g. Debian/Ubuntu: apt-get install openjdk-21-jdk-headless (or any Temurin/OpenJDK 21+ JDK),
  then either put its java on PATH, set JAVA_HOME, or set LASTSEEN_JAVA_HOME to its directory.
EOF
  return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  # executed: print the directory
  lastseen_find_java_home
else
  # sourced: export it for java and mvn
  if lastseen_java_home_found="$(lastseen_find_java_home)"; then
    export JAVA_HOME="$lastseen_java_home_found"
    export PATH="$JAVA_HOME/bin:$PATH"
    unset lastseen_java_home_found
  else
    unset lastseen_java_home_found
    return 1 2>/dev/null || exit 1
  fi
fi
