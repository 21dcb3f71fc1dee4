#!/bin/sh
# A second record for the spec verifier, through the engine's clerk commands, with what the demo's lacks:
# a zone whose midnight is skipped (America/Santiago, 2027-09-05: a window opens at the first instant of
# the day), a 29 February birthday under mar1, a referendum of window 2 (with English wording) and
# per-year results, three ballots in one window, a challenged ballot, a revoked kiosk, a candidate
# declared and one withdrawn after votes for them (a tie), a roll update and a replaced card; ledger
# time across the night the clocks go back, a suspension, a reversal, new settings; then deliberation.
# Usage: scenario.sh PERENNIAL_BINARY OUT_DIR (the record is OUT/record, its board OUT/board).
set -eu
P=$1; OUT=$2
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT"
T0=2026-12-01T09:00:00-03:00
for i in 1 2 3; do "$P" trustee key --trustee-dir T$i > key$i; echo "pass $i" > pass$i; done
"$P" term setup --simulation --at $T0 --origin city.example/santiago-2027 --term santiago-2027 --title "Alcalde" \
  --time-zone America/Santiago --start 2027-01-01 --end 2029-01-01 --window-days 3 --leap-day mar1 \
  --per-year-results --trustees 3 --threshold 2 --trustee-key "$(cat key1)" --trustee-key "$(cat key2)" --trustee-key "$(cat key3)" > /dev/null
for i in 1 2 3; do "$P" trustee commit --at $T0 --trustee-dir T$i --index $i --passphrase-file pass$i > /dev/null; done
for s in shares check; do for i in 1 2 3; do "$P" trustee $s --at $T0 --trustee-dir T$i --passphrase-file pass$i > /dev/null; done; done
"$P" term publish-key --at $T0 > /dev/null
"$P" contest declare --at $T0 --contest maire --title "Alcalde" --option a="Ana" --option b="Ben" --option blank="Vote blanco" > /dev/null
"$P" contest declare --at $T0 --contest consulta --title "Consulta" --title-en "Consultation" --year 2 --min 0 --max 1 --option si="Sí|Yes" --option no="No" > /dev/null
for r in "REF-1 09-05" "REF-2 02-29" "REF-4 06-15"; do set -- $r; "$P" roll enrol --at $T0 --person $1 --birthday $2 --letters letters/ > /dev/null; done
printf 'person,birthday,eligible_from,eligible_until\nREF-3,04-01,2028-01-01,\n' > people.csv
"$P" roll import --at $T0 people.csv --letters letters/ > /dev/null
code() { grep -l "Reference: $1\$" letters/*.txt | sort -t- -k2 -n | tail -1 | xargs grep -E "^ +[A-Z0-9]{5}-[A-Z0-9]{5}-" | tr -d " "; }
cred() { python3 -c "
import json, base64, sys
for l in open('rec/entries.jsonl'):
    p = json.loads(base64.b64decode(json.loads(l)['payload']))
    if p['kind'] == 'roll.enrol' and p['birthday'] == sys.argv[1]: print(p['credential'])" "$1"; }
# The ledger's set-up (its contributions come later, in log-time order).
echo "org pass" > orgpass
ORGKEY=$("$P" ledger org-key --org jardins --out jardins.key --passphrase-file orgpass | sed 's/.*Public key: //')
"$P" ledger settings --at $T0 --from 2027-01-01 --obligation-hours 20 --hour-value 1500 --daily-cap-minutes 600 --max-minutes 300 > /dev/null
"$P" ledger accredit --at $T0 --org jardins --name "Jardins partagés" --key "$ORGKEY" --category gardening --category social --from 2027-01-01 > /dev/null
"$P" kiosk enrol --at 2027-02-01T09:00:00-03:00 --device town-hall-1 --key-out th1.key > /dev/null
"$P" ballot challenge --at 2027-03-01T10:00:00-03:00 --code "$(code REF-2)" --choice maire=b --device-key th1.key > /dev/null
"$P" ballot cast --at 2027-03-01T10:05:00-03:00 --code "$(code REF-2)" --choice maire=b > /dev/null
"$P" ballot cast --at 2027-06-15T00:00:00-04:00 --code "$(code REF-4)" --choice maire=blank > /dev/null
"$P" kiosk revoke --at 2027-07-01T09:00:00-04:00 --device town-hall-1 > /dev/null
"$P" contest add-candidate --at 2027-08-01T09:00:00-04:00 --contest maire --id c --label "Cleo" > /dev/null
"$P" ballot cast --at 2027-09-05T01:00:00-03:00 --code "$(code REF-1)" --choice maire=c > /dev/null
"$P" ballot cast --at 2027-09-06T10:00:00-03:00 --code "$(code REF-1)" --choice maire=a > /dev/null
"$P" ballot cast --at 2027-09-07T23:59:00-03:00 --code "$(code REF-1)" --choice maire=a --receipt ballot-receipt.json > /dev/null
"$P" contest withdraw --at 2027-10-01T09:00:00-03:00 --contest maire --id b > /dev/null
"$P" export --out rec/ > /dev/null
"$P" roll update --at 2027-11-01T09:00:00-03:00 --credential "$(cred 06-15)" --eligible-until 2028-01-01 --reason moved-out > /dev/null
"$P" roll replace --at 2028-01-10T09:00:00-03:00 --credential "$(cred 02-29)" --date 2028-01-15 --reason lost --person REF-2 --letters letters/ > /dev/null
"$P" ballot cast --at 2028-02-29T10:00:00-03:00 --code "$(code REF-2)" --choice maire=c --choice consulta=si > /dev/null
"$P" ballot cast --at 2028-04-01T10:00:00-03:00 --code "$(code REF-3)" --choice maire=a --choice consulta=no > /dev/null
# Time given across the night the clocks go back (2028-04-02 00:00 -03 -> 23:00 -04): 22:00 to 01:00
# is 240 minutes of real time; then a suspension, a reversal and new settings (SPEC §5).
att() { "$P" ledger attest --at 2028-04-02T09:00:00-04:00 --key-file jardins.key --passphrase-file orgpass "$@" | grep -o 'entry [0-9]*' | head -1 | cut -d' ' -f2; }
att --account 0000-0000-0000-001Y --category gardening --date 2028-04-01 --start 22:00 --end 01:00 --attestation J-1 --description "Nuit" --receipt ledger-receipt.json > /dev/null
REV=$(att --account 0000-0000-0000-001Y --category social --date 2028-04-01 --start 09:00 --minutes 60 --attestation J-2 --description "Matin")
"$P" ledger suspend --at 2028-04-02T09:05:00-04:00 --org jardins --from 2028-05-01 --until 2028-06-01 --reason "Contrôle" > /dev/null
"$P" ledger reverse --at 2028-04-02T09:06:00-04:00 --entry "$REV" --reason "Mauvais compte" > /dev/null
"$P" ledger settings --at 2028-04-02T09:07:00-04:00 --from 2028-06-01 --obligation-hours 10 --hour-value 1200 --daily-cap-minutes 120 --max-minutes 120 > /dev/null
"$P" ballot cast --at 2028-09-05T10:00:00-03:00 --code "$(code REF-1)" --choice maire=c --choice consulta=no > /dev/null
END=2029-01-02T10:00:00-03:00
"$P" close --at $END > /dev/null
"$P" trustee decrypt --at $END --trustee-dir T1 --passphrase-file pass1 > /dev/null
"$P" trustee decrypt --at $END --trustee-dir T3 --passphrase-file pass3 > /dev/null
"$P" tally --at $END --trustees 1,3 > /dev/null
# Deliberation: headings inside and outside a fence, section and line amendments, a revision that
# makes one stale, its rebase and acceptance, a rejection, a reply, supports of two versions, the life
# cycle to the ballot, and a hidden reply (a redacted line, a redacted slot on the board).
mkdir -p props
cat > props/fences.md <<'MD'
---
id: fences
title: Des clôtures et des titres
track: savoirs partagés
status: open
author: ana
facets:
  enjeux:
    - tester les titres
  paradoxes: []
  possibles: []
---
# Fences

Intro line.

## One

```
## Not a heading inside a fence
~~~
still inside
```

Text of one.

### One.a

Sub text.

## Two

Text of two.
MD
A=2029-01-03T10:00:00-03:00
"$P" proposal import --at $A props > /dev/null
"$P" proposal participant --at $A --id bea --name "Béa" --moderator > /dev/null
printf 'New text of one.\n\n### One.b\n\nMore.\n' > r1.txt
printf 'Replaced line.\n' > r2.txt
"$P" proposal amend --at $A --as bea --proposal fences --section "## One" --text-file r1.txt --summary "Rewrite one" > /dev/null
"$P" proposal support --at $A --as bea --proposal fences > /dev/null
"$P" proposal amend --at $A --as bea --proposal fences --lines 3:1 --text-file r2.txt --summary "Replace intro" > /dev/null
sed 's/Text of two./Text of two, revised./' props/fences.md > fences-v2.md
"$P" proposal revise --at $A --as ana fences-v2.md > /dev/null
"$P" proposal rebase --at $A --as bea --amendment a1 > /dev/null
"$P" proposal decide --at $A --as ana --amendment a1 --accept --reason "Merci" > /dev/null
"$P" proposal decide --at $A --as bea --amendment a2 --reason "Obsolète" > /dev/null
"$P" proposal comment --at $A --as ana --proposal fences --stance for --text "Premier avis" > /dev/null
"$P" proposal comment --at $A --as bea --proposal fences --reply-to c1 --stance against --text "Réponse à cacher" > /dev/null
"$P" proposal support --at $A --as bea --proposal fences > /dev/null
"$P" proposal moderate --at $A --as bea --comment c2 --reason "Hors sujet" > /dev/null
"$P" proposal status --at $A --as ana --proposal fences --to closed --reason "Fin" > /dev/null
"$P" proposal status --at $A --as bea --proposal fences --to "on-ballot 2030" --reason "Au vote" > /dev/null
rm -rf rec; "$P" export --out record/ > /dev/null
"$P" export --tiles board/ > /dev/null
echo "scenario record in $OUT/record, its board in $OUT/board"
