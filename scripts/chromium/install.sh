#!/usr/bin/env bash
# Installs Debian's chromium and the fonts a job summary needs (text and emoji), for
# rendering the summaries with mermaid the way GitHub shows them (the mermaid render
# test and `npm run screenshots`). puppeteer-core drives /usr/bin/chromium: no browser
# is downloaded from anywhere but the Debian mirror. Idempotent: a no-op when installed.
set -euo pipefail
packages=(chromium fonts-dejavu-core fonts-noto-color-emoji)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "[chromium] error: installing ${missing[*]} needs root (apt-get)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "[chromium] $(chromium --version 2>/dev/null)" >&2
