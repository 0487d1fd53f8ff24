# mmreplay: every entry point a user or CI needs. `make run` and `make test` set up what they need.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
CLI := cli/bin/$(CONFIG)/net10.0/mmreplay.dll
INTEROP := tools/arrow-interop
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: all setup build run test bench clean oracle-full

all: build

# Restore NuGet packages (pinned centrally) and the npm packages of the Arrow interop tests (from the lockfile).
setup: $(INTEROP)/node_modules/.package-lock.json
	$(DOTNET) restore Pipeline.sln
	tools/oracle/setup.sh
	@# The notebook test validates docs/notebooks with Debian's nbformat.
	@dpkg -s python3-nbformat >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq python3-nbformat; }

$(INTEROP)/node_modules/.package-lock.json: $(INTEROP)/package-lock.json
	@command -v node >/dev/null || { echo "node is required for the Arrow interop tests: apt-get install -y nodejs npm" >&2; exit 1; }
	@# Not `npm ci`: this registry copy lacks some of nodejs-polars' optional platform packages, so the lockfile
	@# cannot list them and `npm ci` refuses it as out of sync. `npm install` follows the same lockfile (exact
	@# versions and integrity) and leaves it untouched.
	npm install --prefix $(INTEROP) --no-audit --no-fund
	@touch $@

build: setup
	$(DOTNET) build Pipeline.sln -c $(CONFIG) --no-restore

# The main job on the embedded default trace: replay, write Arrow tables + manifest, print a summary.
run: build
	$(DOTNET) $(CLI) replay traces/default.csv --out out/default --policy latest
	@# A small batch + compare over the shipped sample workloads (docs/workloads.md); --strict: a rejected row fails.
	$(DOTNET) $(CLI) batch traces/samples --policies linux-4.14,linux-4.15,linux-5.10,latest --out out/dataset --strict --quiet
	$(DOTNET) $(CLI) compare out/dataset --baseline linux-4.14 --out out/comparison --report out/comparison/report.md

test: setup
	tools/run-tests.sh

# The long oracle run: 200 random traces + every executable scenario on each of 5.10, 6.1, 6.12 (docs/oracle.md).
oracle-full: setup
	ORACLE_RANDOM_TRACES=200 CI=true $(DOTNET) test tests/Oracle.Tests/Oracle.Tests.csproj --filter "FullyQualifiedName~ModelAgreementTests"

bench: build
	$(DOTNET) run -c $(CONFIG) --no-build --project bench -- all

clean:
	$(DOTNET) clean Pipeline.sln -c $(CONFIG)
	rm -rf out
