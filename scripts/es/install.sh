#!/usr/bin/env bash
# Installs the Elasticsearch test nodes' software from Maven Central (the only route to Elasticsearch
# this project has): the 8.x distribution, and the 9.x in-process node (see es9/). Idempotent: a
# second run finds everything in place and returns at once.
#
#   scripts/es/install.sh [8|9|opensearch|all]     (default: all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

which_versions="${1:-all}"
case "$which_versions" in 8 | 9 | opensearch | all) ;; *) es_die "install.sh: expected 8, 9, opensearch or all, got '$which_versions'" ;; esac

need_tools() {
  local missing=()
  command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  command -v unzip >/dev/null || missing+=(unzip)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3-pip)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || es_die "missing tools: ${missing[*]} (install them, or run this script as root)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_run_user() {
  [ "$(id -u)" = 0 ] || return 0
  id "$ES_RUN_USER" >/dev/null 2>&1 ||
    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$ES_RUN_USER"
}

# Copies one Maven artifact into a directory with the Maven client (so proxies and mirrors configured
# for Maven apply) and prints the file's path.
maven_copy() {
  local artifact="$1" into="$2"
  mkdir -p "$into"
  es_mvn org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="$artifact" -DoutputDirectory="$into" -Dmdep.overWriteIfNewer=true ||
    es_die "could not fetch $artifact from Maven Central"
}

install_8() {
  local home
  home="$(es_dist_home 8)"
  if [ -f "$home/.bxg-installed" ]; then
    echo "Elasticsearch $ES8_VERSION already installed in $home"
    install_8_shims
    return 0
  fi
  local downloads="$ES_ROOT/downloads"
  maven_copy "$ES8_ZIP_ARTIFACT" "$downloads"
  rm -rf "$home" "$home.partial"
  mkdir -p "$home.partial"
  unzip -q "$downloads/elasticsearch-$ES8_VERSION.zip" -d "$home.partial"
  mv "$home.partial/elasticsearch-$ES8_VERSION" "$home"
  rmdir "$home.partial"
  # The nodes keep their config, data and logs under nodes/; the distribution stays read-only.
  chmod -R a+rX "$home"
  touch "$home/.bxg-installed"
  echo "Elasticsearch $ES8_VERSION installed in $home"
  install_8_shims
}

install_8_shims() {
  bash "$ES_SCRIPT_DIR/shims/build.sh" 8 "$(es_dist_home 8)/plugins/buildx-gate-test-shims"
}

install_9() {
  bash "$ES_SCRIPT_DIR/es9/install.sh"
}

# OpenSearch needs Java 21+: it runs on the Java 25 runtime that es9/install.sh fetches.
install_opensearch() {
  local home
  home="$(es_dist_home opensearch)"
  if [ -f "$home/.bxg-installed" ]; then
    echo "OpenSearch $OPENSEARCH_VERSION already installed in $home"
    return 0
  fi
  [ -x "$(es9_java)" ] || install_9
  local downloads="$ES_ROOT/downloads"
  es_mvn org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
    -Dartifact="$OPENSEARCH_ZIP_ARTIFACT" -DoutputDirectory="$downloads" -Dmdep.overWriteIfNewer=true ||
    es_die "could not fetch $OPENSEARCH_ZIP_ARTIFACT from Maven Central"
  rm -rf "$home" "$home.partial"
  mkdir -p "$home.partial"
  unzip -q "$downloads/opensearch-$OPENSEARCH_VERSION.zip" -d "$home.partial"
  mv "$home.partial/opensearch-$OPENSEARCH_VERSION" "$home"
  rmdir "$home.partial"
  chmod -R a+rX "$home"
  touch "$home/.bxg-installed"
  echo "OpenSearch $OPENSEARCH_VERSION installed in $home"
}

started=$(date +%s)
need_tools
ensure_run_user
mkdir -p "$ES_ROOT" "$ES_DIST_DIR" "$ES_NODES_DIR"
chmod 755 "$ES_ROOT" "$ES_DIST_DIR"
case "$which_versions" in
  8) install_8 ;;
  9) install_9 ;;
  opensearch) install_opensearch ;;
  all) install_8 && install_9 && install_opensearch ;;
esac
echo "scripts/es/install.sh: done in $(($(date +%s) - started))s"
