#!/usr/bin/env bash
# Resolves the Kafka broker jars (version pinned in pom.xml) and their runtime dependencies from
# Maven Central into kafka-cluster/.cache/libs. A later run finds the stamp file and does nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
libs="$here/.cache/libs"
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
stamp="$libs/.resolved-$version-$(sha1sum "$here/pom.xml" | cut -c1-12)"

if [ -f "$stamp" ]; then
  exit 0
fi
command -v mvn >/dev/null || { echo "fetch-jars: Maven (mvn) is needed to fetch the Kafka jars; install it (apt-get install maven) or set KAFKA_BOOTSTRAP_SERVERS to a running broker" >&2; exit 1; }
command -v java >/dev/null || { echo "fetch-jars: Java 17+ is needed to run the local Kafka broker; install it (apt-get install openjdk-17-jre-headless)" >&2; exit 1; }

echo "fetch-jars: resolving Apache Kafka $version from Maven Central into $libs" >&2
rm -rf "$libs"
mkdir -p "$libs"
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$libs" >&2
touch "$stamp"
echo "fetch-jars: $(ls "$libs"/*.jar | wc -l) jars ready" >&2
