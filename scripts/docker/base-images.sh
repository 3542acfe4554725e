#!/usr/bin/env bash
# Creates the local base images on one running engine (idempotent; nothing can be pulled here):
#   local/busybox:1        busybox-static with a shell and the core file utilities in /bin
#   local/busybox-full:1   busybox-static with every applet linked where busybox --list-full puts it
#   local/busybox-multi:1  (engine 26 only) like busybox-full, for linux/amd64 and linux/arm64, built
#                          FROM scratch by buildx from the two rootfs folders
# Usage: base-images.sh 20|26   (called by start.sh)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

case ${1:-} in
  20) host=$ENGINE20_HOST ;;
  26) host=$ENGINE26_HOST ;;
  *) die "usage: base-images.sh 20|26 (got '${1:-}')" ;;
esac
DOCKER=$(docker_cli)
export DOCKER_HOST=$host

# Applets of the small image: what a runtime stage and a simple RUN need.
CORE_APPLETS="sh ash echo printf cat ls cp mv rm mkdir rmdir ln chmod touch true false test [ sleep env
  pwd id wc head tail grep sed sort uniq tr cut date uname find xargs basename dirname"
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# make_rootfs DIR BUSYBOX core|full: a minimal root filesystem around one static busybox.
make_rootfs() {
  local dir=$1 busybox=$2 set=$3
  mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,proc,sys,dev}
  chmod 1777 "$dir/tmp"
  install -m 0755 "$busybox" "$dir/bin/busybox"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
  local applet
  if [ "$set" = core ]; then
    for applet in $CORE_APPLETS; do ln -sf /bin/busybox "$dir/bin/$applet"; done
  else
    # The applet list of the host's (amd64) busybox: the arm64 one is the same Debian build.
    "$BUSYBOX_AMD64" --list-full | while read -r applet; do
      [ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$dir/$applet"
    done
  fi
}

import_rootfs() {
  local dir=$1 tag=$2
  tar --numeric-owner --owner=0 --group=0 -C "$dir" -cf - . |
    "$DOCKER" import --change "ENV PATH=$DEFAULT_PATH" --change 'CMD ["/bin/sh"]' - "$tag" >/dev/null
  log "$DOCKER_HOST: created $tag"
}

work=$(mktemp -d /tmp/bxg-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

if ! image_exists local/busybox:1; then
  make_rootfs "$work/core" "$BUSYBOX_AMD64" core
  import_rootfs "$work/core" local/busybox:1
fi
if ! image_exists local/busybox-full:1; then
  make_rootfs "$work/full" "$BUSYBOX_AMD64" full
  import_rootfs "$work/full" local/busybox-full:1
fi

if [ "$1" = 26 ] && ! image_exists local/busybox-multi:1; then
  ctx=$work/multi
  make_rootfs "$ctx/rootfs-amd64" "$BUSYBOX_AMD64" full
  make_rootfs "$ctx/rootfs-arm64" "$BUSYBOX_ARM64" full
  cat >"$ctx/Dockerfile" <<EOF
FROM scratch
ARG TARGETARCH
COPY rootfs-\${TARGETARCH}/ /
ENV PATH=$DEFAULT_PATH
CMD ["/bin/sh"]
EOF
  # The containerd image store of engine 26 keeps both platforms under one tag.
  if ! "$DOCKER" buildx build --progress=quiet --network=none --platform linux/amd64,linux/arm64 \
    -t local/busybox-multi:1 "$ctx" >"$work/multi.log" 2>&1; then
    cat "$work/multi.log" >&2
    die "building local/busybox-multi:1 on $host failed"
  fi
  log "$DOCKER_HOST: created local/busybox-multi:1 (linux/amd64, linux/arm64)"
fi
