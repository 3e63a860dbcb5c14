#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with Playwright (Playwright cannot download its
# own browser here). Install it when missing; fail with the install line otherwise.
set -euo pipefail
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Chromium for the browser tests"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
else
  echo "Chromium is missing at $chromium; the browser tests need it." >&2
  echo "Install it with: sudo apt-get install chromium fonts-liberation" >&2
  exit 1
fi
