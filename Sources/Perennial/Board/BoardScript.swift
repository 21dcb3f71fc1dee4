// The "check my ballot" script: runs in the citizen's browser, trusts no answer of the server it
// can check itself. It fetches the signed checkpoint and verifies its Ed25519 signature under the
// log's verifier key (WebCrypto, or TweetNaCl where WebCrypto lacks Ed25519), reads the tracker
// index (an untrusted hint), then fetches the entry bundle and the tiles it needs, recomputes the
// entry's leaf hash and its tracking code, rebuilds the inclusion proof from the tiles and checks
// it against the signed root. A "replaced" answer is checked the same way for the later ballot.

enum BoardScript {
    static let checkJS = #"""
"use strict";
(function () {
const ALPHA = "0123456789ABCDEFGHJKMNPQRSTWXYZ";  // SPEC §2.6: 31 symbols
const base = new URL(".", document.baseURI);
const meta = (n) => (document.querySelector('meta[name="' + n + '"]') || {}).content || "";
const VKEY = meta("perennial-log-key");
const ZONE = meta("perennial-time-zone") || "UTC";
const CONTACT_FR = meta("perennial-contact-fr"), CONTACT_EN = meta("perennial-contact-en");

// A typed tracking code (SPEC §2.6): 13 symbols once "-", "_", "." and spaces are dropped, any
// case, O read as 0 and I, L as 1, and the check Σ i·dᵢ ≡ 0 (mod 31).
function readCode(typed) {
  const values = [];
  for (let ch of typed.toUpperCase()) {
    if ("-_. \t".includes(ch)) continue;
    if (ch === "O") ch = "0"; else if (ch === "I" || ch === "L") ch = "1";
    const v = ALPHA.indexOf(ch);
    if (v < 0) return { error: "character" };
    values.push(v);
  }
  if (values.length !== 13) return { error: "length" };
  let sum = 0;
  values.forEach((v, i) => { sum = (sum + (i + 1) * v) % 31; });
  if (sum !== 0) return { error: "check" };
  return { symbols: values.map((v) => ALPHA[v]).join("") };
}
// The 13 symbols of a tracker h = SHA-256(payload): N = u64be(h[0..8]) mod 31^12, its 12 base-31
// digits, then the check digit.
function codeOfDigest(h) {
  let n = 0n;
  for (let i = 0; i < 8; i++) n = (n << 8n) | BigInt(h[i]);
  n %= 31n ** 12n;
  const d = [];
  for (let i = 0; i < 12; i++) { d.unshift(Number(n % 31n)); n /= 31n; }
  let sum = 0;
  d.forEach((v, i) => { sum = (sum + (i + 1) * v) % 31; });
  d.push(((31 - sum) % 31) * 12 % 31);
  return d.map((v) => ALPHA[v]).join("");
}
const utf8 = (s) => new TextEncoder().encode(s);
function b64d(s) { const b = atob(s); const u = new Uint8Array(b.length); for (let i = 0; i < b.length; i++) u[i] = b.charCodeAt(i); return u; }
const hex = (u) => Array.from(u, (x) => x.toString(16).padStart(2, "0")).join("");
function concat(...parts) { let n = 0; for (const p of parts) n += p.length; const u = new Uint8Array(n); let o = 0; for (const p of parts) { u.set(p, o); o += p.length; } return u; }
function equal(a, b) { if (a.length !== b.length) return false; for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; }
async function sha256(u) { return new Uint8Array(await crypto.subtle.digest("SHA-256", u)); }
const nodeHash = (l, r) => sha256(concat(new Uint8Array([1]), l, r));

class ProofFailure extends Error {}

async function fetchBytes(path) {
  const r = await fetch(new URL(path, base), { cache: "no-store" });
  if (!r.ok) throw new ProofFailure(path + " " + r.status);
  return new Uint8Array(await r.arrayBuffer());
}

// WebCrypto's Ed25519 where the browser has it; otherwise the bundled TweetNaCl.js (also forced
// with ?nacl in the page's address, so that tests exercise it).
const FORCE_NACL = new URLSearchParams(location.search).has("nacl");
async function ed25519Verify(pub, sig, msg) {
  try {
    if (FORCE_NACL) throw new Error("TweetNaCl asked for");
    const key = await crypto.subtle.importKey("raw", pub, { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, sig, msg);
  } catch (e) {
    if (!window.nacl) {
      await new Promise((ok, ko) => { const s = document.createElement("script"); s.src = new URL("assets/nacl.min.js", base); s.onload = ok; s.onerror = ko; document.head.appendChild(s); });
    }
    return window.nacl.sign.detached.verify(msg, sig, pub);
  }
}

// The signed checkpoint (SPEC §2.4), verified under the pinned verifier key.
async function verifiedCheckpoint() {
  // name+keyhash+base64: the name has no "+", the base64 may.
  const a = VKEY.indexOf("+"), b = VKEY.indexOf("+", a + 1);
  const parts = [VKEY.slice(0, a), VKEY.slice(a + 1, b), VKEY.slice(b + 1)];
  const keyBlob = b64d(parts[2]);
  const pub = keyBlob.slice(1);
  const id = (await sha256(concat(utf8(parts[0]), new Uint8Array([10, 1]), pub))).slice(0, 4);
  if (keyBlob[0] !== 1 || hex(id) !== parts[1]) throw new ProofFailure("key");
  const note = new TextDecoder().decode(await fetchBytes("checkpoint"));
  const cut = note.indexOf("\n\n");
  if (cut < 0) throw new ProofFailure("note");
  const body = note.slice(0, cut + 1);
  const lines = body.split("\n");
  if (lines[0] !== parts[0]) throw new ProofFailure("origin");
  const size = Number(lines[1]), root = b64d(lines[2]), time = Number((lines[3] || "").replace(/^time /, ""));
  let ok = false;
  for (const line of note.slice(cut + 2).split("\n")) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== parts[0]) continue;
    const blob = b64d(m[2]);
    if (blob.length !== 68 || !equal(blob.slice(0, 4), id)) continue;
    if (await ed25519Verify(pub, blob.slice(4), utf8(body))) ok = true;
  }
  if (!ok) throw new ProofFailure("signature");
  return { size, root, time };
}

// The tree at the checkpoint's size, read from C2SP tiles (SPEC §2.7).
class TiledTree {
  constructor(size) { this.size = size; this.tiles = new Map(); }
  static encode(n) {
    const g = [];
    do { g.unshift(String(n % 1000).padStart(3, "0")); n = Math.floor(n / 1000); } while (n > 0);
    return g.map((x, i) => (i < g.length - 1 ? "x" + x : x)).join("/");
  }
  tileName(kind, index) {
    // Full when the tree holds the whole tile, otherwise the partial one of this size.
    const span = kind === "entries" ? 256 : 256 * Math.pow(256, kind);
    const items = kind === "entries" ? this.size : Math.floor(this.size / Math.pow(256, kind));
    const w = (index + 1) * 256 <= items ? 256 : items - index * 256;
    if (w <= 0) throw new ProofFailure("beyond the tree");
    return "tile/" + (kind === "entries" ? "entries" : kind) + "/" + TiledTree.encode(index) + (w === 256 ? "" : ".p/" + w);
  }
  async tile(level, index) {
    const name = this.tileName(level, index);
    if (!this.tiles.has(name)) this.tiles.set(name, fetchBytes(name));
    const bytes = await this.tiles.get(name);
    return bytes;
  }
  // Hash of the perfect subtree of height h at position k.
  async perfect(h, k) {
    const tl = Math.floor(h / 8), r = h % 8, first = k * Math.pow(2, r);
    const tile = await this.tile(tl, Math.floor(first / 256));
    const at = first % 256, count = Math.pow(2, r);
    if ((at + count) * 32 > tile.length) throw new ProofFailure("short tile");
    let level = [];
    for (let i = 0; i < count; i++) level.push(tile.slice((at + i) * 32, (at + i + 1) * 32));
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i < level.length; i += 2) next.push(await nodeHash(level[i], level[i + 1]));
      level = next;
    }
    return level[0];
  }
  // MTH(D[lo:hi]) (RFC 9162 §2.1.1).
  async mth(lo, hi) {
    const n = hi - lo;
    if ((n & (n - 1)) === 0 && lo % n === 0) return this.perfect(Math.log2(n), lo / n);
    let k = 1; while (k * 2 < n) k *= 2;
    return nodeHash(await this.mth(lo, lo + k), await this.mth(lo + k, hi));
  }
  // PATH(m, D[lo:hi]) (RFC 9162 §2.1.3.1), leaf upwards.
  async path(m, lo, hi) {
    const n = hi - lo;
    if (n <= 1) return [];
    let k = 1; while (k * 2 < n) k *= 2;
    if (m < k) return [...(await this.path(m, lo, lo + k)), await this.mth(lo + k, hi)];
    return [...(await this.path(m - k, lo + k, hi)), await this.mth(lo, lo + k)];
  }
  // The leaf data of entry i, from its entry bundle; its hash must be the level-0 tile's.
  async leaf(i) {
    const bundle = await this.tile("entries", Math.floor(i / 256));
    let o = 0;
    for (let j = 0; j <= i % 256; j++) {
      if (o + 2 > bundle.length) throw new ProofFailure("short bundle");
      // u16be(len), or for a leaf of 65,535 bytes or more 0xFFFF then u32be(len) (SPEC §2.7).
      let len = (bundle[o] << 8) | bundle[o + 1], head = 2;
      if (len === 0xffff) { len = ((bundle[o + 2] << 24) >>> 0) + (bundle[o + 3] << 16) + (bundle[o + 4] << 8) + bundle[o + 5]; head = 6; }
      // 0xFFFF then u32be(0): a redacted slot (a hidden comment, never a ballot), skipped whole.
      if (head === 6 && len === 0) {
        if (j === i % 256) throw new ProofFailure("redacted entry");
        const at = o + 7 + 8 + 32 + 32;
        if (at + 4 > bundle.length) throw new ProofFailure("short bundle");
        head = at + 4 - o;
        len = ((bundle[at] << 24) >>> 0) + (bundle[at + 1] << 16) + (bundle[at + 2] << 8) + bundle[at + 3];
      }
      if (j === i % 256) return bundle.slice(o + head, o + head + len);
      o += head + len;
    }
  }
}

// RFC 9162 §2.1.3.2: verify an inclusion proof.
async function verifyInclusion(index, size, leafHash, proof, root) {
  if (index >= size) return false;
  let fn = index, sn = size - 1, r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

// An entry of the tree, proven included under the signed root: its time, author and payload.
async function provenEntry(tree, cp, i) {
  const leaf = await tree.leaf(i);
  const leafHash = await sha256(concat(new Uint8Array([0]), leaf));
  const level0 = await tree.tile(0, Math.floor(i / 256));
  if (!equal(level0.slice((i % 256) * 32, (i % 256 + 1) * 32), leafHash)) throw new ProofFailure("leaf hash");
  const proof = await tree.path(i, 0, cp.size);
  if (!(await verifyInclusion(i, cp.size, leafHash, proof, cp.root))) throw new ProofFailure("inclusion");
  if (leaf[0] !== 1 || leaf.length < 109) throw new ProofFailure("leaf format");
  let time = 0;
  for (let b = 1; b < 9; b++) time = time * 256 + leaf[b];
  const author = hex(leaf.slice(9, 41));
  const payload = leaf.slice(109);
  return { time, author, payload, json: JSON.parse(new TextDecoder().decode(payload)) };
}

const fmt = (lang, ms) => new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", { timeZone: ZONE, day: "numeric", month: "long", year: "numeric" }).format(new Date(ms));
const year = (ms) => new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, year: "numeric" }).format(new Date(ms));
const num = (lang, n) => n.toLocaleString(lang === "fr" ? "fr-FR" : "en-GB");

function say(state, fr, en) {
  const out = document.getElementById("answer");
  out.className = "answer " + state;
  out.dataset.state = state;
  out.replaceChildren();
  for (const [lang, text] of [["fr", fr], ["en", en]]) {
    const p = document.createElement("p");
    p.lang = lang;
    p.textContent = text;
    out.appendChild(p);
  }
  out.focus();
}

async function check(typed) {
  const code = readCode(typed);
  if (code.error) {
    say("mistyped",
      "Ce code n'est pas valide : un caractère est sans doute mal tapé. Vérifiez le code imprimé sur votre reçu (13 caractères, en 3 groupes).",
      "This code is not valid: a character is probably mistyped. Check the code printed on your receipt (13 characters, in 3 groups).");
    return;
  }
  say("working", "Vérification en cours dans votre navigateur…", "Checking in your browser…");
  let cp, tree;
  try {
    cp = await verifiedCheckpoint();
    tree = new TiledTree(cp.size);
  } catch (e) {
    say("failed", "Échec de la vérification : le point de contrôle signé de la ville ne se vérifie pas. Ne vous fiez pas à cette page ; signalez-le.",
      "Verification failed: the city's signed checkpoint does not verify. Do not trust this page; report it.");
    return;
  }
  let items = [];
  try {
    const r = await fetch(new URL("trackers/" + code.symbols.slice(0, 2) + ".json", base), { cache: "no-store" });
    if (r.ok) items = ((await r.json()).ballots || []).filter((b) => b.code === code.symbols && Number.isInteger(b.entry) && b.entry < cp.size);
    else if (r.status !== 404) throw new Error("index " + r.status);
  } catch (e) {
    say("failed", "La vérification n'a pas pu se faire : l'index des codes est illisible. Réessayez plus tard, ou signalez-le à " + CONTACT_FR + ".",
      "The check could not be done: the code index cannot be read. Try again later, or report it to " + CONTACT_EN + ".");
    return;
  }
  if (items.length === 0) {
    say("unknown",
      "Aucun bulletin n'a ce code : vérifiez le code, ou signalez-le à " + CONTACT_FR + ".",
      "No ballot has this code: check the code, or report it to " + CONTACT_EN + ".");
    return;
  }
  const item = items[0];
  try {
    const e = await provenEntry(tree, cp, item.entry);
    let tracked;
    if (e.json.kind === "ballot.cast") tracked = e.payload;
    else if (e.json.kind === "ballot.spoil") tracked = b64d(e.json.ballot);
    else throw new ProofFailure("kind");
    if (codeOfDigest(await sha256(tracked)) !== code.symbols) throw new ProofFailure("code");
    const y = year(e.time);
    const head = (lang) => lang === "fr"
      ? "Votre bulletin de " + y + " est dans le registre public (entrée " + num("fr", item.entry) + ", confirmée par le point de contrôle signé de la ville du " + fmt("fr", cp.time) + ")."
      : "Your ballot of " + y + " is in the public record (entry " + num("en", item.entry) + ", confirmed by the city's signed checkpoint of " + fmt("en", cp.time) + ").";
    if (e.json.kind === "ballot.spoil") {
      say("challenged", head("fr") + " Il a été contesté et ouvert ; il n'est pas compté.", head("en") + " It was challenged and opened; it is not counted.");
    } else if (item.state === "replaced" && typeof item.by === "number") {
      const later = await provenEntry(tree, cp, item.by);
      if (later.json.kind !== "ballot.cast" || later.json.window !== e.json.window || item.by <= item.entry) throw new ProofFailure("replacement");
      say("replaced",
        head("fr") + " Il a été remplacé par un bulletin ultérieur de la même carte le " + fmt("fr", later.time) + " (entrée " + num("fr", item.by) + ").",
        head("en") + " It was replaced by a later ballot from the same card on " + fmt("en", later.time) + " (entry " + num("en", item.by) + ").");
    } else {
      say("counts", head("fr") + " Il compte.", head("en") + " It counts.");
    }
  } catch (e) {
    if (!(e instanceof ProofFailure)) {
      say("failed", "La vérification n'a pas pu se faire (réseau ou navigateur). Réessayez plus tard.",
        "The check could not be done (network or browser). Try again later.");
      return;
    }
    say("failed",
      "Échec de la vérification : la preuve d'inclusion fournie par le serveur ne correspond pas au point de contrôle signé. Ne vous fiez pas à ce serveur ; signalez-le à " + CONTACT_FR + ".",
      "Verification failed: the inclusion proof served does not match the signed checkpoint. Do not trust this server; report it to " + CONTACT_EN + ".");
  }
}

document.getElementById("check-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  check(document.getElementById("code").value);
});
document.getElementById("check-button").disabled = false;
})();
"""#
}
