#!/usr/bin/env bash
# Builds the test-shims plugin (see BuildxGateTestShims.java) into an Elasticsearch plugin directory.
# Rebuilds only when the sources changed. Called by install.sh and es9/install.sh.
#
#   shims/build.sh <8|9> <plugin directory>
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

major="$1" target="$2"
here="$ES_SCRIPT_DIR/shims"
sources=("$here/BuildxGateTestShims.java" "$here/V$major.java")
digest="$(cat "${sources[@]}" "$here/build.sh" | sha256sum | cut -d' ' -f1)"
if [ -f "$target/.source-sha256" ] && [ "$(cat "$target/.source-sha256")" = "$digest" ]; then
  exit 0
fi

home="$(es_dist_home "$major")"
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
case "$major" in
  8)
    # The 8.x server runs on Java 17, so the machine's javac reads its class files.
    javac --release 17 -nowarn -cp "$home/lib/*" -d "$classes" "${sources[@]}"
    java_version=17 version="$ES8_VERSION"
    ;;
  9)
    # javac 17 cannot read Java 21 class files; the Eclipse compiler runs on the node's Java 25.
    "$(es9_java)" -jar "$ES_ROOT/downloads/ecj-$ECJ_VERSION.jar" -21 -proc:none -nowarn \
      -cp "$(find "$home/lib" -name '*.jar' | sort | paste -sd:)" -d "$classes" "${sources[@]}"
    java_version=21 version="$ES9_VERSION"
    ;;
  *) es_die "shims/build.sh: expected 8 or 9, got '$major'" ;;
esac

rm -rf "$target"
mkdir -p "$target"
jar --create --file "$target/buildx-gate-test-shims.jar" -C "$classes" .
cat >"$target/plugin-descriptor.properties" <<PROPS
description=buildx-gate test shims: GET / and the analysis components of the .security index
version=1.0.0
name=buildx-gate-test-shims
java.version=$java_version
elasticsearch.version=$version
classname=org.buildxgate.testshims.V$major
PROPS
echo "$digest" >"$target/.source-sha256"
chmod -R a+rX "$target"
echo "test shims plugin built into $target"
