#!/bin/sh
# Regenerates the OpenSSL-signed Direct messages in this directory from entity.eml and the
# certificates and keys of test-vectors/direct/ (written by `cargo run -p trustpath-testgen
# --bin direct`). OpenSSL adds a signing-time attribute, so each run gives new files; the
# committed ones were made with OpenSSL 3.0.
set -eu
cd "$(dirname "$0")/.."
headers="-from alice@direct.example.org -to bob@direct.example.net -subject FHIR-Bundle"
sign() {
  # shellcheck disable=SC2086
  openssl cms -sign -in openssl/entity.eml -certfile int.pem $headers "$@"
}
alice="-signer address.pem -inkey keys/address.pem"
# multipart/signed, detached, SHA-256, RSA PKCS#1 v1.5; OpenSSL writes LF line ends by default.
sign $alice -md sha256 -out openssl/detached-lf.eml
# The same with CRLF line ends.
sign $alice -md sha256 -crlfeol -out openssl/detached-crlf.eml
# application/pkcs7-mime; smime-type=signed-data (content encapsulated), DER inside base64.
sign $alice -md sha256 -nodetach -out openssl/opaque.eml
# The same streamed: BER with indefinite lengths and a chunked eContent.
sign $alice -md sha256 -nodetach -stream -out openssl/opaque-ber.eml
sign $alice -md sha256 -nodetach -stream -outform DER -out openssl/opaque-ber.p7m
# A bare detached signature (DER) over entity.eml byte for byte.
sign $alice -md sha256 -binary -outform DER -out openssl/detached.p7s
# SHA-1 digest (refused under AS v1.3).
sign $alice -md sha1 -out openssl/sha1.eml
# RSASSA-PSS.
sign $alice -md sha256 -keyopt rsa_padding_mode:pss -out openssl/pss.eml
# Domain-bound signer; ECDSA P-256 signer.
sign -signer domain.pem -inkey keys/domain.pem -md sha256 -out openssl/domain.eml
sign -signer ec.pem -inkey keys/ec.pem -md sha256 -out openssl/ec.eml
# Encrypted (sign, then encrypt, as a sending HISP does): detached-crlf.eml encrypted to alice
# (address.pem, dual use). AES-128-CBC with RSA PKCS#1 v1.5; AES-256-CBC with RSAES-OAEP
# SHA-256; AES-128-GCM (AuthEnvelopedData); and a bare streamed BER EnvelopedData naming its
# recipient by subjectKeyIdentifier.
encrypt() {
  # shellcheck disable=SC2086
  openssl cms -encrypt -in openssl/detached-crlf.eml $headers "$@"
}
encrypt -aes128 -recip address.pem -out openssl/enveloped-aes128.eml
encrypt -aes256 -recip address.pem -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256 \
  -keyopt rsa_mgf1_md:sha256 -out openssl/enveloped-aes256-oaep.eml
encrypt -aes-128-gcm -recip address.pem -out openssl/authenveloped-gcm.eml
encrypt -aes128 -keyid -stream -outform DER -recip address.pem -out openssl/enveloped-ber.p7m
