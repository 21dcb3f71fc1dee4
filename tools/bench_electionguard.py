"""ElectionGuard-python 1.4 on Perennial's benchmark ballot shape (run by tools/bench_peers.py).

One contest, 10 candidates + blank (11 selections), one choice: ElectionGuard adds its one placeholder
selection (votes_allowed = 1), so its ballot has 12 encrypted selections, each with a disjunctive
Chaum-Pedersen proof, and one constant Chaum-Pedersen proof for the contest (its 4096-bit standard
group, the one Perennial names eg4096 in its 2.x form). Times, in one process: encrypting N ballots
(`encrypt_ballot`, proofs made and not self-checked) and verifying them
(`ballot_is_valid_for_election(..., should_validate=True)`: ballot style, hashes, every proof).
Prints one JSON object: {"version", "construct_ms", "verify_ms", "bytes", "ballots"}.
"""
import json
import logging
import sys
import time
from datetime import datetime

from electionguard.ballot import PlaintextBallot, PlaintextBallotContest, PlaintextBallotSelection
from electionguard.ballot_validator import ballot_is_valid_for_election
from electionguard.election import make_ciphertext_election_context
from electionguard.elgamal import elgamal_keypair_random
from electionguard.encrypt import EncryptionDevice, encrypt_ballot, generate_device_uuid
from electionguard.group import ONE_MOD_Q
from electionguard.manifest import (BallotStyle, Candidate, ContestDescription, ElectionType, GeopoliticalUnit,
                                    InternalManifest, Manifest, ReportingUnitType, SelectionDescription, SpecVersion,
                                    VoteVariationType)
from electionguard.serialize import to_raw


def main(ballots):
    logging.disable(logging.CRITICAL)  # electionguard logs every encryption at INFO level
    options = ["c%d" % i for i in range(1, 11)] + ["blank"]
    unit = GeopoliticalUnit(object_id="city", name="City", type=ReportingUnitType.city)
    contest = ContestDescription(
        object_id="office", sequence_order=0, electoral_district_id="city", vote_variation=VoteVariationType.one_of_m,
        number_elected=1, votes_allowed=1, name="Office",
        ballot_selections=[SelectionDescription(object_id="%s-sel" % o, sequence_order=i, candidate_id=o)
                           for i, o in enumerate(options)])
    manifest = Manifest(
        election_scope_id="bench", spec_version=SpecVersion.EG1_0, type=ElectionType.general,
        start_date=datetime(2027, 1, 1), end_date=datetime(2033, 1, 1), geopolitical_units=[unit], parties=[],
        candidates=[Candidate(object_id=o) for o in options], contests=[contest],
        ballot_styles=[BallotStyle(object_id="style", geopolitical_unit_ids=["city"])])
    internal = InternalManifest(manifest)
    keypair = elgamal_keypair_random()
    context = make_ciphertext_election_context(1, 1, keypair.public_key, ONE_MOD_Q, internal.manifest_hash)
    seed = EncryptionDevice(generate_device_uuid(), 1, 1, "bench").get_hash()

    plain = [PlaintextBallot(object_id="b%d" % n, style_id="style", contests=[PlaintextBallotContest(
        object_id="office", ballot_selections=[PlaintextBallotSelection(object_id="c1-sel", vote=1)])])
        for n in range(ballots)]
    start = time.perf_counter()
    encrypted = [encrypt_ballot(b, internal, context, seed, should_verify_proofs=False) for b in plain]
    construct = (time.perf_counter() - start) * 1000 / ballots
    if any(e is None for e in encrypted):
        raise SystemExit("ElectionGuard failed to encrypt a benchmark ballot")
    start = time.perf_counter()
    ok = [ballot_is_valid_for_election(e, internal, context, True) for e in encrypted]
    verify = (time.perf_counter() - start) * 1000 / ballots
    if not all(ok):
        raise SystemExit("ElectionGuard refused its own benchmark ballot")
    size = len(json.dumps(to_raw(encrypted[0]) if isinstance(to_raw(encrypted[0]), dict) else json.loads(to_raw(encrypted[0])),
                          separators=(",", ":")))
    import importlib.metadata
    print(json.dumps({"version": importlib.metadata.version("electionguard"), "construct_ms": construct, "verify_ms": verify,
                      "bytes": size, "ballots": ballots}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
