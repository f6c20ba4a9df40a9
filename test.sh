#!/usr/bin/env bash
# Runs every test. Installs first what a fresh Debian/Ubuntu machine lacks for them: PostgreSQL's server binaries
# (the tests start a throwaway cluster) and chromium (the browser tests drive it through Playwright).
set -euo pipefail
cd "$(dirname "$0")"

missing=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then missing+=(postgresql); fi
if ! command -v chromium >/dev/null 2>&1 && [ -z "${LEDGER_CHROMIUM:-}" ]; then missing+=(chromium); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}..."
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# As root, the test cluster runs as the postgres system user, which Debian's package creates.
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
fi

dotnet test MembershipLedger.sln "$@"
