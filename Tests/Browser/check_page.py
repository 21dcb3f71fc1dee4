#!/usr/bin/env python3
"""Browser tests of the public board (issue #13), in headless Chromium through Selenium.

Usage: check_page.py BOARD_DIR SCREENSHOT_DIR

BOARD_DIR is a board written by `perennial export --tiles`. The test serves it on loopback with a
plain static handler; under the prefix /tampered/ the same files are served except one level-0 tile,
one of whose hashes is altered (as a dishonest mirror would). It types tracking codes into the
"check my ballot" page and asserts the page's words, checks the status page, runs accessibility
checks, and writes screenshots of the main pages into SCREENSHOT_DIR.
"""
import glob
import http.server
import json
import os
import random
import socketserver
import sys
import threading

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ALPHA = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def check_chars(payload):
    s = sum((i + 1) * ALPHA.index(c) for i, c in enumerate(payload)) % 1021
    return ALPHA[s // 32] + ALPHA[s % 32]


def full_code(payload, sep="-"):
    c = payload + check_chars(payload)
    return sep.join(c[i:i + 4] for i in range(0, 16, 4))


def serve(board, tampered_tile):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=board, **k)

        def log_message(self, *a):
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            if path.startswith("/tampered/"):
                rel = path[len("/tampered/"):]
                if rel == tampered_tile:
                    data = bytearray(open(os.path.join(board, rel), "rb").read())
                    data[5 * 32 + 7] ^= 0x01  # one hash of a neighbour of the entry, altered
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(bytes(data))
                    return
                self.path = "/" + rel
            super().do_GET()

    socketserver.TCPServer.allow_reuse_address = True
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def main():
    board, shots = sys.argv[1], sys.argv[2]
    os.makedirs(shots, exist_ok=True)
    items = []
    for f in sorted(glob.glob(os.path.join(board, "trackers", "*.json"))):
        items += json.load(open(f))["ballots"]
    by_state = {}
    for it in items:
        by_state.setdefault(it["state"], []).append(it)
    for state in ("counts", "replaced", "challenged"):
        assert by_state.get(state), f"the demo record has no {state} ballot to test with"
    counts, replaced, challenged = by_state["counts"][0], by_state["replaced"][0], by_state["challenged"][0]
    # The tampered tile: the level-0 tile holding the counted ballot, served with a neighbour altered.
    size = int(open(os.path.join(board, "checkpoint")).read().split("\n")[1])
    tile_index = counts["entry"] // 256
    width = 256 if (tile_index + 1) * 256 <= size else size - tile_index * 256
    tampered_tile = "tile/0/%03d" % tile_index + ("" if width == 256 else "/.p/%d" % width).replace("/.p", ".p")
    assert os.path.exists(os.path.join(board, tampered_tile)), tampered_tile
    if counts["entry"] % 256 == 5:
        raise SystemExit("pick another entry: the altered hash must not be the entry's own")

    httpd = serve(board, tampered_tile)
    base = "http://127.0.0.1:%d/" % httpd.server_address[1]
    options = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1400"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    failures = []
    passed = 0

    def expect(cond, what):
        nonlocal passed
        if cond:
            passed += 1
            print("ok   " + what)
        else:
            failures.append(what)
            print("FAIL " + what)

    def ask(page, code):
        driver.get(page)
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "check-button").is_enabled())
        field = driver.find_element(By.ID, "code")
        field.clear()
        field.send_keys(code)
        field.send_keys(Keys.ENTER)  # keyboard only
        WebDriverWait(driver, 20).until(
            lambda d: d.find_element(By.ID, "answer").get_attribute("data-state") not in (None, "", "working"))
        answer = driver.find_element(By.ID, "answer")
        return answer.get_attribute("data-state"), answer.text

    try:
        state, text = ask(base + "check.html", full_code(counts["code"]))
        expect(state == "counts" and "It counts." in text and "Il compte." in text
               and "entry %s" % format(counts["entry"], ",") in text, "a counted ballot: %r" % text)
        driver.save_screenshot(os.path.join(shots, "check-counts.png"))

        state, text = ask(base + "check.html", full_code(replaced["code"], sep=" ").lower())
        expect(state == "replaced" and "replaced by a later ballot from the same card" in text
               and "remplacé par un bulletin ultérieur" in text and "entry %s" % format(replaced["by"], ",") in text,
               "a replaced ballot (typed in lower case with spaces): %r" % text)
        driver.save_screenshot(os.path.join(shots, "check-replaced.png"))

        state, text = ask(base + "check.html", full_code(challenged["code"]))
        expect(state == "challenged" and "It was challenged and opened; it is not counted." in text
               and "contesté et ouvert" in text, "a challenged ballot: %r" % text)

        good = full_code(counts["code"])
        wrong = good[:2] + ("X" if good[2] != "X" else "Y") + good[3:]
        state, text = ask(base + "check.html", wrong)
        expect(state == "mistyped" and "probably mistyped" in text and "mal tapé" in text, "a mistyped code: %r" % text)
        swapped = good[:5] + good[6] + good[5] + good[7:] if good[5] != good[6] else good[:6] + good[7] + good[6] + good[8:]
        state, text = ask(base + "check.html", swapped)
        expect(state == "mistyped", "two swapped characters: %r" % state)
        driver.save_screenshot(os.path.join(shots, "check-mistyped.png"))

        known = {it["code"] for it in items}
        rng = random.Random(7)
        while True:
            payload = "".join(rng.choice(ALPHA) for _ in range(14))
            if payload not in known:
                break
        state, text = ask(base + "check.html", full_code(payload))
        expect(state == "unknown" and "No ballot has this code: check the code, or report it to" in text
               and "Aucun bulletin n'a ce code" in text, "a well-formed code nobody has: %r" % text)

        state, text = ask(base + "tampered/check.html", full_code(counts["code"]))
        expect(state == "failed" and "Verification failed" in text and "inclusion proof" in text,
               "a tampered tile makes the proof fail: %r" % text)
        driver.save_screenshot(os.path.join(shots, "check-tampered.png"))

        # The status page: without JavaScript everything is there.
        driver.get(base + "index.html")
        body = driver.find_element(By.TAG_NAME, "body").text
        for words in ("Term", "Mandat", "Time zone", "Trustees", "Latest signed checkpoint", "Ballots per day",
                      "Ballots per year", "Roll size over time", "Civic time ledger", "Proposals", "Result", "Audit verdict"):
            expect(words in body, "the status page shows %r" % words)
        driver.save_screenshot(os.path.join(shots, "status.png"))

        # Accessibility checks (axe-core is not available offline): what an automated checker would
        # flag first, checked on both pages.
        for page in ("index.html", "check.html"):
            driver.get(base + page)
            report = driver.execute_script("""
              const out = [];
              if (!document.documentElement.lang) out.push('html has no lang');
              if (document.querySelectorAll('h1').length !== 1) out.push('not exactly one h1');
              let last = 0;
              for (const h of document.querySelectorAll('h1,h2,h3,h4')) { const n = +h.tagName[1]; if (n > last + 1) out.push('heading level skipped at ' + h.textContent); last = n; }
              for (const i of document.querySelectorAll('input,select,textarea')) { if (!(i.labels && i.labels.length) && !i.getAttribute('aria-label')) out.push('unlabelled ' + i.id); }
              for (const s of document.querySelectorAll('svg')) { if (s.getAttribute('role') !== 'img' || !s.querySelector('title')) out.push('svg without role img and title'); }
              for (const b of document.querySelectorAll('button,a')) { if (!b.textContent.trim()) out.push('control without text'); }
              for (const e of document.querySelectorAll('[id]')) { if (document.querySelectorAll('#' + CSS.escape(e.id)).length > 1) out.push('duplicate id ' + e.id); }
              for (const s of document.querySelectorAll('script[src],link[href],img[src]')) { const u = new URL(s.src || s.href, location); if (u.host !== location.host) out.push('third-party ' + u); }
              function lum(c) { const m = c.match(/[0-9.]+/g).map(Number).slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]; }
              function bg(e) { while (e) { const c = getComputedStyle(e).backgroundColor; if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') return c; e = e.parentElement; } return 'rgb(255, 255, 255)'; }
              for (const e of document.querySelectorAll('p,span,a,td,th,dt,dd,label,button,summary,h1,h2,li,figcaption')) {
                if (!e.textContent.trim() || e.offsetParent === null) continue;
                const a = lum(getComputedStyle(e).color), b = lum(bg(e));
                const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                if (ratio < 4.5) out.push('contrast ' + ratio.toFixed(2) + ' on ' + e.tagName + ': ' + e.textContent.slice(0, 30));
              }
              const fr = document.querySelectorAll('[lang=fr]').length, en = document.querySelectorAll('[lang=en]').length;
              if (!fr || !en) out.push('not both French and English');
              return out;
            """)
            expect(report == [], "accessibility checks on %s: %s" % (page, report or "none failed"))
        # Keyboard only: Tab from the top reaches the code field, then the button.
        driver.get(base + "check.html")
        WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "check-button").is_enabled())
        reached = []
        for _ in range(8):
            driver.switch_to.active_element.send_keys(Keys.TAB)
            reached.append(driver.switch_to.active_element.get_attribute("id") or driver.switch_to.active_element.tag_name)
        expect("code" in reached and "check-button" in reached, "keyboard: Tab reaches the field and the button (%s)" % reached)
        driver.save_screenshot(os.path.join(shots, "check.png"))
    finally:
        driver.quit()
        httpd.shutdown()
    print("%d passed, %d failed" % (passed, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
