#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests (Playwright drives it with
# executable_path=/usr/bin/chromium; Playwright's own browser download cannot work offline).
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "ensure-chromium: installing Debian's chromium" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x /usr/bin/chromium ] && exit 0
fi
echo "ensure-chromium: /usr/bin/chromium is missing; install it (apt-get install -y chromium)" >&2
exit 1
