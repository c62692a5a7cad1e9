#!/usr/bin/env bash
# Downloads Apicurio Registry (a Confluent-compatible schema registry: /apis/ccompat/v7) from Maven
# Central into kafka-cluster/.cache and checks its SHA-1. Prints the folder holding quarkus-run.jar.
# A later run finds it there and does nothing. It needs Java 21+ to run (find-java.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=3.3.3
sha1=71e7918455480cbce405ad45552254eb47ec932d
dir="$(cd "$here/.." && pwd)/.cache/apicurio-registry-$version"
url="https://repo.maven.apache.org/maven2/io/apicurio/apicurio-registry-app/$version/apicurio-registry-app-$version-all.tar.gz"

if [ -f "$dir/quarkus-run.jar" ]; then
  echo "$dir"
  exit 0
fi
echo "schema-registry: downloading Apicurio Registry $version (~160 MB) from Maven Central" >&2
# Unpacked beside its final place, so the rename below is atomic (one filesystem).
mkdir -p "$(dirname "$dir")"
tmp=$(mktemp -d "$(dirname "$dir")/.apicurio-download-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
curl -fsSL --retry 3 -o "$tmp/registry.tar.gz" "$url" \
  || { echo "schema-registry: could not download $url" >&2; exit 1; }
echo "$sha1  $tmp/registry.tar.gz" | sha1sum -c --quiet - \
  || { echo "schema-registry: $url does not have the expected SHA-1 $sha1" >&2; exit 1; }
mkdir -p "$tmp/unpacked"
tar xzf "$tmp/registry.tar.gz" -C "$tmp/unpacked"
# Test files fetch in parallel: the first rename wins, the others find the folder there.
mv -T "$tmp/unpacked" "$dir" 2>/dev/null || [ -f "$dir/quarkus-run.jar" ] \
  || { echo "schema-registry: could not move the registry into $dir" >&2; exit 1; }
echo "schema-registry: Apicurio Registry $version ready in $dir" >&2
echo "$dir"
