#!/usr/bin/env bash
# Installs the Debian packages Switchboard needs, only those missing. Usage:
#   scripts/install-deps.sh run     what `make run` needs
#   scripts/install-deps.sh test    plus PostgreSQL, Chromium and its driver, Kamailio and SIPp, Radicale (CardDAV
#                                   tests), the Python venv for browser and telephony tests
set -euo pipefail
cd "$(dirname "$0")/.."

purpose=${1:-run}
# libxml2-dev: the executable links Foundation in, and its XML part with it (Package.swift, `switchboard`).
packages=(libqrencode-dev libuchardet-dev libphonenumber-dev pkg-config libsqlite3-dev libxml2-dev)
if [ "$purpose" = test ]; then
  packages+=(postgresql chromium chromium-driver sqlite3 zbar-tools radicale ldap-utils nginx)
  # Telephony tests: Kamailio (http_client is in the utils modules, json in the json modules) and SIPp.
  packages+=(kamailio kamailio-utils-modules kamailio-json-modules sip-tester)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$purpose" = test ]; then
  if [ ! -x .venv/bin/pytest ] || [ ! -x .venv/bin/st ] || ! .venv/bin/python -c "import selenium, axe_core_python, ldap3" 2>/dev/null; then
    echo "Preparing the Python venv for browser tests (.venv)"
    if ! python3 -m venv .venv 2>/dev/null; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv
      python3 -m venv .venv
    fi
    .venv/bin/pip install -q --disable-pip-version-check -r e2e/requirements.txt
  fi
fi
