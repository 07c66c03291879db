//! The help text of `trustpath jwt verify`.

pub(super) const HELP: &str = "\
Verify signed JWTs (compact JWS with an x5c certificate chain) against trust anchors.

Usage: trustpath jwt verify --profile PROFILE [OPTIONS] TOKEN_FILE...

Each TOKEN_FILE holds one compact JWS (surrounding whitespace is ignored; '-' reads standard
input). The signature is verified with the key of x5c[0] only; the other x5c certificates
are untrusted intermediates, never anchors. The files are checked in order against one
replay cache: a client assertion or software statement whose (iss, jti) was already
accepted is rejected.

Profiles:
  udap-client-assertion    A UDAP client assertion (Authentication Token) at the token
                           endpoint --aud, for the client registered with --client-uri
                           (UDAP JWT client authentication; IG 4.2 and 5.2)
  udap-software-statement  A UDAP software statement for the registration endpoint --aud;
                           TOKEN_FILE may also be the registration request JSON
                           {\"software_statement\": ..., \"udap\": \"1\", ...} (IG 3)
  udap-signed-metadata     The /.well-known/udap document of the FHIR server --base-url,
                           whose signed_metadata is checked against it (IG 2.3); with
                           --metadata, TOKEN_FILE is the signed_metadata JWS alone
  jws                      Any JWS: the signature and the x5c certificate path only, no
                           claim rules; every JWS algorithm is accepted
  The udap-* profiles validate the certificate path under the udap policy (revocation
  hard-fail by default) and accept RS256, ES256, RS384 and ES384 (signed metadata: RS256
  only); claim times (iat, exp, nbf) allow 60 seconds of clock skew. jws uses the rfc5280
  policy (revocation soft-fail by default).

Trust:
  --anchors FILE          Trust the certificates in FILE (community 'default'); repeatable
  --community NAME=FILE   Trust the certificates in FILE as community NAME; repeatable
  --intermediates FILE    Offer the certificates in FILE as untrusted intermediates;
                          repeatable
  Every FILE may be PEM, DER or PKCS#7.

Token:
  --profile PROFILE       udap-client-assertion, udap-software-statement,
                          udap-signed-metadata or jws (required)
  --time RFC3339          Validation time, e.g. 2026-06-01T00:00:00Z [default: now]
  --aud URL               udap-client-assertion: the token endpoint URL; udap-software-
                          statement: the registration endpoint URL (required for both)
  --client-id ID          udap-client-assertion: the client_id the server issued
                          [default: the token's iss, read before it is verified]
  --client-uri URI        udap-client-assertion: the client URI recorded at registration,
                          which must be a SAN URI of x5c[0] (required)
  --client-community NAME
                          udap-client-assertion: the trust community the client registered
                          in [default: the community of --anchors / --community when they
                          name only one, else 'default']
  --grant GRANT           udap-client-assertion: client_credentials (extensions.hl7-b2b
                          required) or authorization_code [default: client_credentials]
  --base-url URL          udap-signed-metadata: the FHIR server's base URL, which must be
                          iss, sub and a SAN URI of x5c[0] (required)
  --metadata FILE         udap-signed-metadata: the unsigned /.well-known/udap document;
                          each TOKEN_FILE is then a signed_metadata JWS checked against it
  An option of another profile is a usage error.

{checks}

Output:
  --json                  Print one JSON object per token (one per line) instead of a
                          report
  -h, --help              Print this help

Exit status: 0 every token valid, 1 any token rejected, 2 bad usage or unreadable input.

JSON output (one line per TOKEN_FILE, in order):
  {\"valid\": bool,
   \"claims\": {...} | null,
   \"path\": [{\"subject\", \"issuer\", \"serial\", \"sha256\"}, ...],
   \"community\": string | null,
   \"san_uri\": string | null,
   \"error\": {\"kind\", \"message\", \"oauth_error\"} | null,
   \"findings\": [{\"rule\", \"citation\", \"certificate_index\", \"message\"}, ...],
   \"fetched\": [{\"url\", \"kind\", \"status\", \"bytes\", \"ms\"}, ...]}   (with --fetch only)
  claims is the JWT payload (of the software statement, of signed_metadata); when rejected,
  as read without verification, or null when it is not a JSON object. path is leaf first:
  the verified path without the anchor; when rejected, x5c[0] alone if it can be read, else
  []. community is the matched anchor's community (null when rejected). san_uri is the SAN
  URI of x5c[0] that matched: the client URI, the software statement's iss or the base URL
  (null for jws and when rejected). error.kind is a stable identifier (e.g. claim, replay,
  san_uri_mismatch, metadata_mismatch, bad_signature, unknown_issuer, revocation_unknown;
  for jws, the JWS error kind such as certificate_path_rejected); error.oauth_error is the
  OAuth / UDAP error code a server answers with (invalid_client, invalid_request,
  invalid_grant, invalid_software_statement, unapproved_software_statement,
  invalid_client_metadata, invalid_redirect_uri), null for signed metadata and jws.
  findings: certificate-profile rules (RFC 5280 4) the verified path's certificates break
  without being refused (see trustpath chain verify --help); empty when rejected and under
  --strict. fetched: every URL --fetch tried for this token (see trustpath chain verify
  --help).
";

/// The `--revocation` notes of the help text.
pub(super) const REVOCATION_NOTES: &str =
    "                          [default: hard for the udap-* profiles, soft for jws]
                          Every certificate below the anchor is checked. The untrusted
                          certificates (--intermediates, and x5c after the signer) may be
                          CRL signers or delegated OCSP responders.";
