#!/usr/bin/env bash
# The project's test command: bash scripts/test.sh
#
# 1. Makes sure Debian's chromium is installed (the WebRelay browser test drives /usr/bin/chromium).
# 2. Runs every test project of ClaudeStreaming.sln in Release, with a TRX report per project.
# 3. Sums the TRX <Counters> of all projects and prints, as its very last line, "N passed, N failed".
# Exits non-zero when a test failed, the build/run failed, or no test ran at all.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="${TEST_RESULTS_DIR:-$root/artifacts/test-results}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- 1. chromium -------------------------------------------------------------------------------
if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: /usr/bin/chromium is missing; installing Debian's chromium"
  if [ "$(id -u)" -eq 0 ]; then
    (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium) ||
      echo "test.sh: WARNING: chromium could not be installed; the browser test will fail in CI"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    (sudo -n apt-get update && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium) ||
      echo "test.sh: WARNING: chromium could not be installed; the browser test will fail in CI"
  else
    echo "test.sh: WARNING: not root and no sudo; cannot install chromium (the browser test skips locally, fails in CI)"
  fi
fi

# --- 2. tests ----------------------------------------------------------------------------------
rm -rf "$results"
mkdir -p "$results"
started=$(date +%s)
# The default TRX file name is unique per test project (the logger numbers clashing names).
dotnet test "$root/ClaudeStreaming.sln" -c Release \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results"
status=$?
elapsed=$(( $(date +%s) - started ))

# --- 3. totals ---------------------------------------------------------------------------------
total=0; executed=0; passed=0; failed=0; files=0
attr() { # attr NAME ELEMENT -> value of NAME="..." in ELEMENT, or 0
  local v
  v=$(printf '%s' "$2" | grep -o " $1=\"[0-9]*\"" | head -n1 | grep -o '[0-9][0-9]*')
  echo "${v:-0}"
}
while IFS= read -r -d '' trx; do
  counters=$(tr -d '\r\n' < "$trx" | grep -o '<Counters [^>]*>' | head -n1)
  [ -n "$counters" ] || { echo "test.sh: no <Counters> in $trx"; continue; }
  files=$((files + 1))
  t=$(attr total "$counters"); e=$(attr executed "$counters"); p=$(attr passed "$counters")
  # error, timeout and aborted outcomes are failures too.
  f=$(( $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters") ))
  echo "test.sh: $(basename "$trx"): total=$t executed=$e passed=$p failed=$f"
  total=$((total + t)); executed=$((executed + e)); passed=$((passed + p)); failed=$((failed + f))
done < <(find "$results" -name '*.trx' -print0 | sort -z)

skipped=$((total - executed))
echo "test.sh: $files TRX report(s) in $results; dotnet test exit code $status; ${elapsed}s"
echo "Skipped: $skipped"
exit_code=0
if [ "$status" -ne 0 ]; then
  echo "test.sh: dotnet test failed (exit code $status)"
  exit_code=1
  # A build error or crashed test host leaves no TRX entry for the lost tests: count them as one failure.
  [ "$failed" -eq 0 ] && failed=1
fi
if [ "$failed" -ne 0 ]; then exit_code=1; fi
if [ "$passed" -eq 0 ]; then
  echo "test.sh: no test passed (nothing ran)"
  exit_code=1
fi
echo "$passed passed, $failed failed"
exit $exit_code
