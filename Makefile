# Thin wrapper over meson: the README's two commands.
#   make run    install what is missing, build, seed council.db, replay the
#               Tokyo 2023 case, then serve the API on 127.0.0.1:8080
#   make check  install what is missing, build with -Werror + ASan/UBSan,
#               run every test; last line "N passed, M failed"
# Campaigns, longer than a check and not part of it: make property (the
# verify property over 200 sequences), make oom (out of memory at many
# more allocations), make fuzz, make crash, make deb-check.
BUILD       ?= build
CHECK_BUILD ?= build-check
DB          ?= council.db

.PHONY: all run check check-pg deps deps-test deps-package build build-check web deb deb-check fuzz property oom bench bench-pg bench-scale crash lighthouse tsan clean

all: build

deps:
	@scripts/install-deps.sh

deps-test:
	@scripts/install-deps.sh --test

deps-package:
	@scripts/install-deps.sh --package

build: deps web $(BUILD)/build.ninja
	@ninja --quiet -C $(BUILD)

$(BUILD)/build.ninja: | deps
	@meson setup $(BUILD) >/dev/null

# The web page: npm packages from the registry (package-lock.json pins
# them), bundled by esbuild into web/dist, which council serve serves.
web: web/dist/index.html

web/dist/index.html: web/package.json web/package-lock.json web/build.mjs $(wildcard web/src/* web/src/*/*) \
		po/en.po po/fr.po scripts/gen_i18n.py
	@cd web && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run --silent build

LISTEN      ?= 127.0.0.1:8080

# DATASET= seeds another organisation (one per store): make run
# DATASET=data/eu-council.json DB=eu.db; its scenarios are not replayed.
DATASET     ?=

run: build
	@test -f $(DB) || { if [ -n "$(DATASET)" ]; then \
	    ./$(BUILD)/council --db $(DB) init --dataset $(DATASET); \
	  else ./$(BUILD)/council --db $(DB) init && \
	    ./$(BUILD)/council --db $(DB) replay scenarios/tokyo-2023.json; fi; }
	@./$(BUILD)/council --db $(DB) show 1 2>/dev/null | head -8 || true
	@echo
	@echo "council serve: http://$(LISTEN)/ (Ctrl-C to stop);" \
	      "tokens: ./$(BUILD)/council --db $(DB) token issue --role secretariat"
	./$(BUILD)/council --db $(DB) serve --listen $(LISTEN)

# -O1, as the sanitizers' authors advise for speed: on a 2-CPU VM it
# cost 14 s more CPU to build than -O0 and ran test_snapshot, the HTTP
# access table and test_oom in 7 to 11% less (2026-12-06).
build-check: deps-test web
	@test -f $(CHECK_BUILD)/build.ninja || meson setup $(CHECK_BUILD) \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug -Doptimization=1 >/dev/null
	@ninja --quiet -C $(CHECK_BUILD)

# The release build of the programs too: `make run` builds them, and -O2
# finds warnings (so errors, with -Werror) that the debug build of the
# tests cannot.  Not the release build's test programs: the tests run in
# $(CHECK_BUILD), and those cost 16 of the release build's 40 CPU-s on a
# 2-CPU machine (2026-12-06).
check: deps-test web $(BUILD)/build.ninja build-check
	@ninja --quiet -C $(BUILD) council src/cli/install/council
	@tests/run.sh $(CHECK_BUILD)

# What runs on PostgreSQL, all of it: the 25 HTTP test files once more on
# a PostgreSQL store (`make check` runs the 12 whose outcome rests on the
# store's own SQL), test_pg, test_pg_batch, test_multiserver, test_readdb
# and stream_pg (tests/run.sh, SUITE=pg).  About a sixth of `make
# check`'s time.
check-pg: build-check
	@SUITE=pg tests/run.sh $(CHECK_BUILD)

# The Debian package (debian/), built on a copy of the tree in $(DEB_DIR):
# `make deb` leaves $(DEB_DIR)/council_VERSION_ARCH.deb; `make deb-check`
# builds it and tests it installed (scripts/deb-check.sh).  Minutes, so
# not part of `make check`.
DEB_DIR     ?= build-deb

deb: deps-package web
	@mkdir -p $(DEB_DIR)
	@scripts/build-deb.sh $(DEB_DIR)

deb-check: deb
	@scripts/deb-check.sh $(DEB_DIR)

bench:
	@bench/analysis.sh
	@bench/run.sh
	@bench/scale.sh
	@bench/pg.sh

# durable writes on PostgreSQL with 1, 2 and 4 servers beside the SQLite
# store and pgbench on the same cluster, and reads with 1 and 2 servers
# (DURATION=, CONNS=; bench/pg.sh)
bench-pg:
	@bench/pg.sh

# only the cost of a long record (EVENTS=, PROPOSALS=, DURATION=)
bench-scale:
	@bench/scale.sh
	@bench/pg.sh

# kill -9 the server KILLS times (default 50) under 32 writers; prints
# acknowledged / lost / verify failures / restart time (scripts/crash.sh).
crash: build
	@KILLS=$${KILLS:-50} scripts/crash.sh $(BUILD)

# Lighthouse (npm, pinned in tests/web/lighthouse/package-lock.json) with its
# mobile preset on the page's main views, signed in, on a store of 10,000
# events, in Debian's chromium; prints the scores beside the targets
# (docs/WEB.md).  No browser is downloaded.
lighthouse: deps-test build
	@cd tests/web/lighthouse && npm ci --no-audit --no-fund --loglevel=error >/dev/null
	@COUNCIL=$(CURDIR)/$(BUILD)/council node tests/web/lighthouse/run.mjs

# ThreadSanitizer (build-tsan) over the unit tests, the HTTP suite and
# several servers on PostgreSQL; fails on any report (tests/tsan.sh).
# About 7 minutes.
tsan: deps-test web
	@test -f build-tsan/build.ninja || meson setup build-tsan \
		-Db_sanitize=thread -Db_lundef=false \
		-Dbuildtype=debug -Doptimization=1 >/dev/null
	@ninja --quiet -C build-tsan
	@tests/tsan.sh build-tsan

fuzz: build-check
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-60} tests/fuzz/run.sh

# test_property over PROPERTY_SEQUENCES (default 200) sequences from the
# base seed PROPERTY_SEED (default 20260209, from which 200 sequences are
# known to change every column and event type at its start, middle and
# end, as the run checks at its end; the few dozen sequences of `make
# check` start from a base drawn afresh and do not reach that).  About 4
# minutes.
property: build-check
	@PROPERTY_SEED=$${PROPERTY_SEED:-20260209} PROPERTY_SEQUENCES=$${PROPERTY_SEQUENCES:-200} \
		$(CHECK_BUILD)/test_property

# test_oom failing each operation's allocations in turn: every one where
# there are up to OOM_BUDGET (default 600), that many spread over the
# rest; `make check` samples 60 of the core's larger operations and 24
# of the app's, from an offset drawn each run (tests/unit/test_oom.c).
# OOM_BUDGET=30000 tries every point of every operation: about 47 CPU
# minutes, one process (COUNCIL_OOM_ONLY=NAME,... splits the operations
# between several).
oom: build-check
	@COUNCIL_OOM_BUDGET=$${OOM_BUDGET:-600} $(CHECK_BUILD)/test_oom

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) build-fuzz build-fuzz-smoke build-bench build-tsan $(DEB_DIR) web/dist web/node_modules tests/web/lighthouse/node_modules
