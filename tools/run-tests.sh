#!/usr/bin/env bash
# Runs every test project and prints the closing line CI reads: "N passed, M failed[, K skipped]".
# dotnet test's own summary is not a line CI recognises, so we count from the TRX result files.
set -uo pipefail
cd "$(dirname "$0")/.."

results=out/test-results
rm -rf "$results"
mkdir -p "$results"

# Build once, then run each test project with its own TRX file name: TRX names that dotnet test picks
# itself carry only a timestamp and can collide when projects finish in the same second.
status=0
dotnet build Pipeline.sln -c Release --nologo -v quiet || status=$?
if [ "$status" -eq 0 ]; then
    for project in tests/*/*.Tests.csproj; do
        name=$(basename "$project" .csproj)
        dotnet test "$project" -c Release --no-build --nologo \
            --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" || status=$?
    done
fi

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    files=$((files + 1))
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); n=$(get notExecuted)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0}))
    skipped=$((skipped + ${n:-0}))
done

if [ "$files" -eq 0 ]; then
    echo "no test results were written (build failure?)" >&2
    failed=$((failed + 1))
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # A crash or build error with no failing test recorded still fails the run.
    failed=1
fi

if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
