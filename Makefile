# Perennial — the two commands a newcomer needs are `make demo` and `make test`.
SWIFT ?= swift
APT_PACKAGES := libsodium-dev libgmp-dev libsqlite3-dev pkg-config tmux
DEMO_OUT ?= demo-data
AUDIT_BIN = Audit/.build/release/perennial-audit

.PHONY: all deps build release test test-engine test-audit test-cross spec-verify demo bench bench-peers ct-check c-memcheck clean fuzz property browser-deps test-browser loadtest

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
	@# The same record as a bulletin board (C2SP tiles) over HTTP: the same report; a wrong pinned key fails.
	.build/debug/perennial export --data $(CROSS)/node --tiles $(CROSS)/board > /dev/null
	@rm -f $(CROSS)/port; python3 Tests/Browser/static_server.py $(CROSS)/board $(CROSS)/port & pid=$$!; \
	for i in $$(seq 50); do [ -s $(CROSS)/port ] && break; sleep 0.2; done; \
	Audit/.build/debug/perennial-audit verify http://127.0.0.1:$$(cat $(CROSS)/port)/ --quiet > $(CROSS)/audit-url.txt; rc=$$?; \
	Audit/.build/debug/perennial-audit verify http://127.0.0.1:$$(cat $(CROSS)/port)/ --quiet --index > $(CROSS)/audit-index.txt; irc=$$?; \
	kill $$pid; [ $$rc -eq 0 ] && cmp -s $(CROSS)/audit.txt $(CROSS)/audit-url.txt || { echo "verify URL differs from verify DIR"; diff $(CROSS)/audit.txt $(CROSS)/audit-url.txt; exit 1; }; \
	[ $$irc -eq 0 ] || { cat $(CROSS)/audit-index.txt; echo "the board's tracking-code index does not match the record"; exit 1; }
	@echo "verify URL gives the same report as verify DIR; the board's tracking-code index matches the record (BRD-1)"
	@# Moderation keeps the hash, not the text (SPEC §2.2, §2.7): the demo hides one comment; the record and
	@# the board carry its redacted line and slot, and its text is in no file of either (payloads decoded too).
	@hidden='montres-pas-cheres.example'; \
	grep -rqaF "$$hidden" $(CROSS)/node || { echo "the demo's hidden comment is not in its node: this check would prove nothing"; exit 1; }; \
	[ "$$(grep -c '"redacted":' $(CROSS)/record/entries.jsonl)" = 1 ] || { echo "the record does not carry exactly one redacted line"; exit 1; }; \
	cmp -s $(CROSS)/record/entries.jsonl $(CROSS)/board/entries.jsonl || { echo "the board's entries.jsonl is not the record's"; exit 1; }; \
	! grep -rlaF "$$hidden" $(CROSS)/record $(CROSS)/board || { echo "the hidden comment's text is in the files above"; exit 1; }; \
	python3 -c "import base64,json,sys; bad=[l for f in sys.argv[2:] for l in open(f) if sys.argv[1].encode() in base64.b64decode(json.loads(l)['payload'])]; sys.exit(1 if bad else 0)" "$$hidden" $(CROSS)/record/entries.jsonl $(CROSS)/board/entries.jsonl \
	  || { echo "a payload of entries.jsonl carries the hidden comment's text"; exit 1; }
	@echo "the hidden comment is redacted in the record and on the board: its text is in neither"
	@# The same node served live by perennial serve: the exported board's bytes, the same audit report.
	@rm -f $(CROSS)/serve.port; .build/debug/perennial serve --data $(CROSS)/node --listen 127.0.0.1:0 --port-file $(CROSS)/serve.port 2> $(CROSS)/serve.log & pid=$$!; \
	for i in $$(seq 150); do [ -s $(CROSS)/serve.port ] && break; sleep 0.2; done; \
	url=http://127.0.0.1:$$(cat $(CROSS)/serve.port)/; \
	python3 tools/served_board_check.py $$url $(CROSS)/board 'montres-pas-cheres.example'; crc=$$?; \
	Audit/.build/debug/perennial-audit verify $$url --quiet > $(CROSS)/audit-serve.txt; rc=$$?; \
	kill -TERM $$pid; wait $$pid; \
	[ $$crc -eq 0 ] || exit 1; \
	[ $$rc -eq 0 ] && cmp -s $(CROSS)/audit.txt $(CROSS)/audit-serve.txt || { echo "verify URL (perennial serve) differs from verify DIR"; diff $(CROSS)/audit.txt $(CROSS)/audit-serve.txt; exit 1; }
	@echo "verify URL over perennial serve gives the same report as verify DIR"
	@key=$$(python3 -c "import json,sys; print(json.loads(open('$(CROSS)/record/manifest.json').read())['origin'])"); \
	wrong=$$(python3 -c "import hashlib,base64,sys; o=sys.argv[1]; k=bytes(range(32)); print(o+'+'+hashlib.sha256(o.encode()+b'\n\x01'+k).hexdigest()[:8]+'+'+base64.b64encode(b'\x01'+k).decode())" "$$key"); \
	if Audit/.build/debug/perennial-audit verify $(CROSS)/record --quiet --log-key "$$wrong" > /dev/null; then echo "a wrong --log-key was accepted"; exit 1; else echo "a wrong --log-key fails, as it must"; fi
	@python3 -c "import sys; p='$(CROSS)/record/entries.jsonl'; b=bytearray(open(p,'rb').read()); i=len(b)//2; b[i]=b[i]^1 if b[i]^1 not in (10,) else b[i]^2; open(p,'wb').write(b)"
	@if Audit/.build/debug/perennial-audit verify $(CROSS)/record > $(CROSS)/tampered.txt; then echo "the audit accepted a tampered record"; exit 1; else echo "tampered record rejected, as it must be: $$(grep -c FAIL $(CROSS)/tampered.txt) failing checks"; fi

# A stranger's verifier, written in Python from Audit/SPEC.md alone (stdlib + the system libsodium, no
# engine or audit code): it checks test-cross's record (made afresh here, since test-cross tampers its
# own), a receipt, SPEC's worked examples, that it rejects tampered copies, and a second record made by
# the clerk commands (scenario.sh: a skipped midnight, 29 February, a referendum, a tie, a withdrawal,
# a revoked kiosk, a roll update and a replaced card). Not part of `make test`.
SPECV = .build/spec-verify
spec-verify: deps
	$(SWIFT) build --product perennial
	rm -rf $(SPECV)
	.build/debug/perennial demo --citizens 40 --years 3 --seed 11 --skip-fsync --out $(SPECV) > $(SPECV).log 2>&1
	python3 tools/spec_verifier/verify.py $(SPECV)/record
	python3 tools/spec_verifier/examples.py --check Audit/SPEC.md
	python3 tools/spec_verifier/vectors_test.py
	@# The check ids this verifier and (when built) perennial-audit report are all defined in SPEC §2.9.
	@if [ -x Audit/.build/debug/perennial-audit ]; then Audit/.build/debug/perennial-audit verify $(SPECV)/record > $(SPECV)/audit.txt || true; \
	  python3 tools/spec_verifier/check_ids.py Audit/SPEC.md $(SPECV)/audit.txt; \
	else python3 tools/spec_verifier/check_ids.py Audit/SPEC.md; fi
	.build/debug/perennial receipt issue --data $(SPECV)/node 1 > $(SPECV)/receipt.json
	python3 tools/spec_verifier/verify.py --receipt $(SPECV)/receipt.json $(SPECV)/record
	.build/debug/perennial export --data $(SPECV)/node --tiles $(SPECV)/board > /dev/null
	python3 tools/spec_verifier/verify.py --board $(SPECV)/board
	python3 tools/spec_verifier/tamper_test.py $(SPECV)/record $(SPECV)/board
	tools/spec_verifier/scenario.sh $(CURDIR)/.build/debug/perennial $(CURDIR)/$(SPECV)/scenario
	python3 tools/spec_verifier/verify.py $(SPECV)/scenario/record
	python3 tools/spec_verifier/verify.py --board $(SPECV)/scenario/board
	for r in ballot ledger; do python3 tools/spec_verifier/verify.py --receipt $(SPECV)/scenario/$$r-receipt.json $(SPECV)/scenario/record || exit 1; done
	python3 tools/spec_verifier/compare_ledger.py $(SPECV)/scenario/record $(SPECV)/scenario/perennial-data .build/debug/perennial

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
	@rm -f $(DEMO_OUT)/audit.txt
	@if [ -x $(AUDIT_BIN) ]; then $(AUDIT_BIN) verify $(DEMO_OUT)/record > $(DEMO_OUT)/audit.txt; rc=$$?; cat $(DEMO_OUT)/audit.txt; exit $$rc; fi
	@.build/release/perennial export --data $(DEMO_OUT)/node --tiles $(DEMO_OUT)/board $$([ -f $(DEMO_OUT)/audit.txt ] && echo --audit-report $(DEMO_OUT)/audit.txt)
	@echo ""
	@echo "Open the public page over the demo's record (README, 'The public bulletin board and the public page'):"
	@echo "  .build/release/perennial serve --data $(DEMO_OUT)/node --listen 127.0.0.1:8080 --audit-report $(DEMO_OUT)/audit.txt"
	@echo "  then http://127.0.0.1:8080/ (term status) and http://127.0.0.1:8080/check.html (check my ballot)."
	@echo "  Any static host serves the exported copy too: python3 -m http.server 8080 --bind 127.0.0.1 --directory $(DEMO_OUT)/board"
	@python3 -c "import glob,json; b=[x for f in sorted(glob.glob('$(DEMO_OUT)/board/trackers/*.json')) for x in json.load(open(f))['ballots']]; \
	w={'counts':'counts','replaced':'was replaced','challenged':'was challenged'}; \
	[print('  try a ballot that %s: %s' % (w[s], (lambda c: c[:4]+'-'+c[4:8]+'-'+c[8:])(next(x['code'] for x in b if x['state']==s)))) for s in w if any(x['state']==s for x in b)]"

bench: release
	.build/release/perennial bench crypto
	.build/release/perennial bench ballot
	.build/release/perennial bench tally
	.build/release/perennial bench log

# Not part of `make test`: Perennial and Debian's belenios-tool (installed with apt-get when missing) on the
# same ballot shape in one run; JSON lines with both systems' figures, bytes per ballot and the ratios.
BENCH_PEERS_BALLOTS ?= 100
BENCH_PEERS_REPS ?= 5
# A dudect-style timing-leak check of CRistretto's secret-scalar multiplications (tools/ct_check.c);
# not part of `make test`: timings depend on the machine. CT_MEASUREMENTS per function (default 200000).
CT_MEASUREMENTS ?= 200000
ct-check:
	mkdir -p .build
	cc -O2 -ISources/CRistretto/include -ISources/CRistretto tools/ct_check.c Sources/CRistretto/*.c -lpthread -lm -o .build/ct-check
	.build/ct-check $(CT_MEASUREMENTS)

# Memory safety of our C curve code, CRistretto and the audit's AuditCurve (tools/c_memcheck.c): every exported
# function with edge and random inputs, multi-scalar sums of 0..300 terms and around every size threshold checked
# against naive sums, under ASan+UBSan (C_MEMCHECK_MODE: quick, full or big) and then under valgrind memcheck
# (quick mode). Not part of `make test`: about 1 minute of CPU under ASan (full), 5 under valgrind.
# The ASan pass runs the MULX clones (CR_MULX_CLONES, on a CPU with BMI2), the valgrind pass the baseline code.
C_MEMCHECK_MODE ?= full
C_MEMCHECK_SRC = -ISources/CRistretto/include -ISources/CRistretto -IAudit/Sources/AuditCurve/include \
	tools/c_memcheck.c Sources/CRistretto/*.c Audit/Sources/AuditCurve/audit_curve.c -lpthread
c-memcheck:
	mkdir -p .build
	cc -std=c11 -Wall -Wextra -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
	  $(C_MEMCHECK_SRC) -o .build/c-memcheck-asan
	.build/c-memcheck-asan $(C_MEMCHECK_MODE)
	@if command -v valgrind >/dev/null 2>&1; then \
	  cc -std=c11 -g -O1 -DCR_NO_MULX_CLONES $(C_MEMCHECK_SRC) -o .build/c-memcheck-plain && \
	  valgrind --tool=memcheck --error-exitcode=9 --track-origins=yes --leak-check=full --errors-for-leak-kinds=definite \
	    --quiet .build/c-memcheck-plain quick; \
	else echo "valgrind is not installed: the memcheck pass was skipped (apt-get install valgrind)"; fi

bench-peers: release
	python3 tools/bench_peers.py .build/release/perennial $(BENCH_PEERS_BALLOTS) $(BENCH_PEERS_REPS)

# Clerk-proof checks for longer than `make test` runs them: 5,000 refused invocations, and each
# libFuzzer target (swiftc -sanitize=fuzzer) for FUZZ_SECONDS seconds, corpus kept in .build/fuzz.
FUZZ_SECONDS ?= 60
FUZZ_DIR = .build/fuzz
property:
	PERENNIAL_PROPERTY_COUNT=5000 $(SWIFT) test --filter RefusalPropertyTests
fuzz:
	mkdir -p $(FUZZ_DIR)/engine-corpus $(FUZZ_DIR)/audit-corpus
	swiftc -sanitize=fuzzer -parse-as-library -O Tests/Fuzz/EnginePayloadFuzzer.swift Sources/CivicLog/PayloadHeader.swift \
	  Sources/CivicLog/PayloadShape.swift Sources/CivicLog/LogError.swift -o $(FUZZ_DIR)/engine-payload-fuzzer
	swiftc -sanitize=fuzzer -parse-as-library -O Tests/Fuzz/AuditJSONFuzzer.swift Audit/Sources/AuditKit/Encoding/JSON.swift \
	  Audit/Sources/AuditKit/Encoding/AuditError.swift -o $(FUZZ_DIR)/audit-json-fuzzer
	$(FUZZ_DIR)/engine-payload-fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=65536 $(FUZZ_DIR)/engine-corpus
	$(FUZZ_DIR)/audit-json-fuzzer -max_total_time=$(FUZZ_SECONDS) -max_len=65536 $(FUZZ_DIR)/audit-corpus
	PERENNIAL_FUZZ_COUNT=20000 $(SWIFT) test --filter DecoderFuzzTests
	cd Audit && PERENNIAL_FUZZ_COUNT=20000 $(SWIFT) test --filter DecoderFuzzTests

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
