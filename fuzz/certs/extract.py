#!/usr/bin/env python3
"""Regenerates fuzz/certs/*.der from the x509-limbo test suite (test-vectors/limbo/limbo.json).

The path_build fuzz target embeds these files with include_bytes!, so that it does not depend
on the (large) JSON at build time. Run from the repository root: python3 fuzz/certs/extract.py
File names: <chain>-<role><n>.der, role one of anchor, inter, leaf.
"""
import base64
import json
import pathlib
import re

CASES = {
    "cryptographydotio": "webpki::cryptographydotio-chain",
    "cve20240567": "cve::cve-2024-0567",
    "cycle": "pathological::intermediate-cycle-distinct-cas",
    "nc": "rfc5280::nc::permitted-dns-match",
}

root = pathlib.Path(__file__).resolve().parents[2]
out = pathlib.Path(__file__).resolve().parent
cases = {t["id"]: t for t in json.loads((root / "test-vectors/limbo/limbo.json").read_text())["testcases"]}


def der(pem):
    body = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", pem, re.S).group(1)
    return base64.b64decode("".join(body.split()))


for short, case_id in CASES.items():
    case = cases[case_id]
    for role, pems in (
        ("anchor", case["trusted_certs"]),
        ("inter", case["untrusted_intermediates"]),
        ("leaf", [case["peer_certificate"]]),
    ):
        for i, pem in enumerate(pems):
            (out / f"{short}-{role}{i}.der").write_bytes(der(pem))
