#!/usr/bin/env bash
# Runs EasyHard's whole test suite on a fresh Debian 12 machine: installs what the tests need (PostgreSQL,
# Fashion-MNIST, Prometheus, Chromium for the report's browser test, Python baselines), starts a throwaway
# PostgreSQL, restores, builds and tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

packages=(postgresql dataset-fashion-mnist prometheus chromium python3-torch python3-confluent-kafka python3-numpy python3-pytest python3-protobuf protobuf-compiler)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if (( ${#missing[@]} )); then
  echo "Installing ${missing[*]}..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
fi

eval "$(scripts/postgres.sh start)"
trap 'scripts/postgres.sh stop >/dev/null 2>&1 || true' EXIT
: "${EASYHARD_TEST_POSTGRES:?scripts/postgres.sh start did not export EASYHARD_TEST_POSTGRES}"
export EASYHARD_TEST_POSTGRES

dotnet restore EasyHard.sln -nologo
dotnet build EasyHard.sln -c Release --no-restore -nologo -clp:ErrorsOnly

results="$root/TestResults"
rm -rf "$results"
status=0
dotnet test EasyHard.sln -c Release --no-build -nologo --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" --blame-hang-timeout 10m || status=$?

# The Python client's tests (clients/python) and the benchmarks' Python helpers' (src/Bench/python), with Debian's
# interpreter, which sees the packages installed above.
/usr/bin/python3 -m pytest clients/python/tests src/Bench/python/tests -p no:cacheprovider -q --junitxml="$results/python-client.xml" || status=$?

# One closing line over all test projects, read from the TRX files and the pytest JUnit file.
/usr/bin/python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/python-*.xml"):
    for suite in ET.parse(f).getroot().iter("testsuite"):
        total, bad, skip = int(suite.get("tests", 0)), int(suite.get("failures", 0)) + int(suite.get("errors", 0)), int(suite.get("skipped", 0))
        passed += total - bad - skip; failed += bad; skipped += skip
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # Skipped tests are counted in total but not in executed (notExecuted stays 0 in VSTest's TRX).
    skipped += int(c.get("total", 0)) - int(c.get("executed", 0))
# Failures again at the very end, with the first lines of their messages, so a log's tail names them.
for f in glob.glob(sys.argv[1] + "/*.trx"):
    for r in ET.parse(f).getroot().iter("{%s}UnitTestResult" % ns["t"]):
        if r.get("outcome") in ("Failed", "Error", "Timeout", "Aborted"):
            m = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            text = (m.text or "").strip().splitlines() if m is not None else []
            print(f"FAILED {r.get('testName')} ({r.get('duration')})")
            for line in text[:6]: print("    " + line[:300])
for f in glob.glob(sys.argv[1] + "/python-*.xml"):
    for case in ET.parse(f).getroot().iter("testcase"):
        for bad in list(case.findall("failure")) + list(case.findall("error")):
            print(f"FAILED {case.get('classname')}.{case.get('name')}")
            for line in (bad.get("message") or "").splitlines()[:6]: print("    " + line[:300])
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
