#!/usr/bin/env bash
# Prints the path of a `java` of version 21 or newer (Apicurio Registry 3 is built for Java 21):
# $REGISTRY_JAVA_HOME, else $JAVA_HOME, else `java` on the PATH, else the newest JDK in /usr/lib/jvm.
set -euo pipefail
major() { "$1" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p'; }
candidates=()
[ -n "${REGISTRY_JAVA_HOME:-}" ] && candidates+=("$REGISTRY_JAVA_HOME/bin/java")
[ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
command -v java >/dev/null && candidates+=("$(command -v java)")
for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${d}bin/java"); done
for java in "${candidates[@]}"; do
  if [ -x "$java" ] && [ "$(major "$java")" -ge 21 ] 2>/dev/null; then
    echo "$java"
    exit 0
  fi
done
echo "schema-registry: no Java 21+ found (Apicurio Registry 3 needs it); install a JDK 21+ (e.g. Temurin) and set REGISTRY_JAVA_HOME to it" >&2
exit 1
