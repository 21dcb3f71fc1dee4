# Perennial — the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
APT_PACKAGES := libsodium-dev libgmp-dev libsqlite3-dev pkg-config tmux
DEMO_OUT ?= demo-data
AUDIT_BIN = Audit/.build/release/perennial-audit

.PHONY: all deps build release test test-engine test-audit test-cross demo bench clean browser-deps test-browser loadtest

all: build

# Installs the system C libraries only when pkg-config cannot already find them.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	pkg-config --exists libsodium 2>/dev/null || missing="$$missing libsodium-dev"; \
	pkg-config --exists gmp 2>/dev/null || missing="$$missing libgmp-dev"; \
	pkg-config --exists sqlite3 2>/dev/null || missing="$$missing libsqlite3-dev"; \
	command -v tmux >/dev/null 2>&1 || missing="$$missing tmux"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES); \
	else echo "System packages present: libsodium, gmp, sqlite3, tmux (for the kiosk's screen test)."; fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

test: test-engine test-audit test-cross test-browser

test-engine: deps
	$(SWIFT) test

test-audit: deps
	@if [ -f Audit/Package.swift ]; then cd Audit && $(SWIFT) test; else echo "Audit package not present yet."; fi

# The engine writes a record, the independent audit checks it; a record with one flipped byte must fail.
CROSS = .build/cross-check
test-cross: deps
	$(SWIFT) build --product perennial
	cd Audit && $(SWIFT) build --product perennial-audit
	rm -rf $(CROSS)
	.build/debug/perennial demo --citizens 40 --years 3 --seed 11 --skip-fsync --out $(CROSS) > $(CROSS).log 2>&1
	Audit/.build/debug/perennial-audit verify $(CROSS)/record > $(CROSS)/audit.txt || { cat $(CROSS)/audit.txt; exit 1; }
	@tail -1 $(CROSS)/audit.txt
	@python3 -c "import sys; p='$(CROSS)/record/entries.jsonl'; b=bytearray(open(p,'rb').read()); i=len(b)//2; b[i]=b[i]^1 if b[i]^1 not in (10,) else b[i]^2; open(p,'wb').write(b)"
	@if Audit/.build/debug/perennial-audit verify $(CROSS)/record > $(CROSS)/tampered.txt; then echo "the audit accepted a tampered record"; exit 1; else echo "tampered record rejected, as it must be: $$(grep -c FAIL $(CROSS)/tampered.txt) failing checks"; fi

# The public page in a real browser (issue #13): Debian's chromium and chromium-driver, Selenium from
# PyPI, each installed only when missing. Engine-only runs (make test-engine) never need them.
browser-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing browser packages: $$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO="sudo"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver; \
	else echo "Browser present: chromium, chromedriver."; fi
	@python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q selenium || python3 -m pip install -q --break-system-packages selenium

# The demo's record as a public board, served by a plain static server; screenshots in .build/browser.
BOARD = .build/browser-board
test-browser: deps browser-deps
	$(SWIFT) build --product perennial
	rm -rf $(BOARD)
	.build/debug/perennial demo --citizens 40 --years 3 --seed 11 --skip-fsync --out $(BOARD) > $(BOARD).log 2>&1
	.build/debug/perennial export --data $(BOARD)/node --tiles $(BOARD)/board
	python3 Tests/Browser/check_page.py $(BOARD)/board .build/browser

demo: release
	@if [ -f Audit/Package.swift ]; then cd Audit && $(SWIFT) build -c release; fi
	.build/release/perennial demo --out $(DEMO_OUT)
	@if [ -x $(AUDIT_BIN) ]; then $(AUDIT_BIN) verify $(DEMO_OUT)/record | tee $(DEMO_OUT)/audit.txt; fi
	@.build/release/perennial export --data $(DEMO_OUT)/node --tiles $(DEMO_OUT)/board $$([ -f $(DEMO_OUT)/audit.txt ] && echo --audit-report $(DEMO_OUT)/audit.txt)
	@echo ""
	@echo "Open the public page over the demo's record:"
	@echo "  python3 -m http.server 8080 --bind 127.0.0.1 --directory $(DEMO_OUT)/board"
	@echo "  then http://127.0.0.1:8080/ (term status) and http://127.0.0.1:8080/check.html (check my ballot);"
	@echo "  tracking codes to try: $(DEMO_OUT)/board/trackers/*.json (README, 'The public page')."
	@echo "  With perennial serve: perennial serve --data $(DEMO_OUT)/node --listen 127.0.0.1:8080 serves the same paths."

bench: release
	.build/release/perennial bench crypto
	.build/release/perennial bench ballot
	.build/release/perennial bench tally
	.build/release/perennial bench log

# Not part of `make test`: 50 simulated kiosks cast through `perennial serve` on loopback (valid ballots,
# revotes, invalid ones), then the same ballots straight into a copy of the node; JSON lines; then every
# acknowledged receipt is checked against the served checkpoint and tiles, and the audit verifies the record.
LOADTEST_CONFIG ?= release
LOADTEST_ARGS ?= --kiosks 50 --per-kiosk 6
loadtest: deps
	$(SWIFT) build -c $(LOADTEST_CONFIG) --product perennial
	$(SWIFT) build -c $(LOADTEST_CONFIG) --product perennial-loadtest
	cd Audit && $(SWIFT) build -c $(LOADTEST_CONFIG) --product perennial-audit
	.build/$(LOADTEST_CONFIG)/perennial-loadtest $(LOADTEST_ARGS) --out .build/loadtest \
	  --audit Audit/.build/$(LOADTEST_CONFIG)/perennial-audit

clean:
	rm -rf .build Audit/.build
