#!/bin/sh
# Delivers to the direct_fhir_query example's responder a FHIR query that another stack made:
# the Direct message (Context general/query with http encapsulation, the search as a
# message/http part) written by hand, signed and encrypted with `openssl cms`, and sent with
# Python's smtplib. Start the responder first, then run this with the same port:
#
#   cargo run --release --example direct_fhir_query --features smtp-example -- --serve 2525
#   examples/support/direct_openssl_query.sh 2525
#
# Keys and certificates: test-vectors/direct (alice signs, the HISP's hisp.pem is the recipient).
set -eu
port="${1:-2525}"
cd "$(dirname "$0")/../../test-vectors/direct"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/entity.eml" <<'MIME'
Content-Type: message/rfc822

From: alice@direct.example.org
To: fhir@hospital.example.net
Subject: FHIR query (OpenSSL)
Message-ID: <openssl-query@direct.example.org>
X-Direct-Context: <context-openssl@direct.example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="query"

--query
Content-Type: text/plain; charset=us-ascii
Content-Disposition: attachment; filename="metadata.txt"
Content-ID: <context-openssl@direct.example.org>

version: 1.1
id: <openssl-query@direct.example.org>
type: general/query
purpose: treatment
encapsulation: http

--query
Content-Type: message/http

GET /Patient?family=Chalmers HTTP/1.1
Host: fhir.hospital.example.net
Accept: application/fhir+json


--query--
MIME
# CRLF line ends (RFC 5322); sign (multipart/signed, SHA-256), then encrypt to the HISP.
sed 's/$/\r/' "$tmp/entity.eml" >"$tmp/entity.crlf"
openssl cms -sign -in "$tmp/entity.crlf" -signer address.pem -inkey keys/address.pem -certfile int.pem \
  -md sha256 -crlfeol -out "$tmp/signed.eml"
openssl cms -encrypt -in "$tmp/signed.eml" -aes128 -recip hisp.pem -from alice@direct.example.org \
  -to fhir@hospital.example.net -subject "FHIR query (OpenSSL)" -out "$tmp/query.eml"
python3 - "$port" "$tmp/query.eml" <<'PY'
import smtplib
import sys

with open(sys.argv[2], "rb") as f:
    message = f.read()
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as smtp:
    smtp.sendmail("alice@direct.example.org", ["fhir@hospital.example.net"], message)
print("delivered", len(message), "bytes with Python smtplib")
PY
