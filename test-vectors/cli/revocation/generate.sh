#!/bin/sh
# Regenerates the revocation and certificate-policy fixtures of tests/cli.rs (OpenSSL 3.0+).
# Run from anywhere: ./generate.sh. Keys are throw-away (generated in a temporary directory and
# deleted). The OCSP responses' thisUpdate is the time of generation (OpenSSL cannot set it),
# so the tests validate at 2030-01-01: regenerate before then, or move TIME in tests/cli.rs.
set -eu
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export CADIR=.

start=20250101000000Z
end=20450101000000Z
crl_last=20250101000000Z
crl_next=20450101000000Z

cat > ca.cnf <<'CNF'
[ ca ]
default_ca = CA_default

[ CA_default ]
dir = $ENV::CADIR
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
crlnumber = $dir/crlnumber
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
crl_extensions = crl_ext

[ policy_any ]
commonName = supplied
organizationName = optional

[ req ]
distinguished_name = req_dn
[ req_dn ]

[ root_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[ ca_ext ]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
crlDistributionPoints = URI:http://crl.example.test/root.crl
certificatePolicies = 1.3.6.1.4.1.55555.1
policyMappings = critical,1.3.6.1.4.1.55555.1:1.3.6.1.4.1.55555.2

[ leaf_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:leaf.example.test
crlDistributionPoints = URI:http://crl.example.test/ca.crl
authorityInfoAccess = OCSP;URI:http://ocsp.example.test/ca,caIssuers;URI:http://ca.example.test/ca.der
certificatePolicies = 2.5.29.32.0

[ responder_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = OCSPSigning
noCheck = ignored
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
csr() { openssl req -new -config ca.cnf -key "$1.key" -subj "$2" -out "$1.csr"; }
newca() { mkdir "$1"; : > "$1/index.txt"; echo "$2" > "$1/serial"; echo 1000 > "$1/crlnumber"; }
# sign CADIR ISSUER EXT NAME
sign() {
    CADIR=$1 openssl ca -batch -config ca.cnf -notext -cert "$2.pem" -keyfile "$2.key" -extensions "$3" \
        -startdate $start -enddate $end -in "$4.csr" -out "$4.pem" 2>/dev/null
}
gencrl() {
    CADIR=$1 openssl ca -batch -config ca.cnf -gencrl -cert "$2.pem" -keyfile "$2.key" \
        -crl_lastupdate $crl_last -crl_nextupdate $crl_next -out "$3" 2>/dev/null
}
revoke() { CADIR=$1 openssl ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2.key" -revoke "$3.pem" -crl_reason keyCompromise 2>/dev/null; }
# ocsp CADIR SIGNER OUT [extra options]
ocsp() {
    db=$1 signer=$2 file=$3
    shift 3
    openssl ocsp -index "$db/index.txt" -CA ca.pem -rsigner "$signer.pem" -rkey "$signer.key" -reqin leaf.req \
        -respout "$file" -ndays 7300 "$@" >/dev/null 2>&1
}

newca root 01
newca ca 1001
key root && csr root "/CN=trustpath CLI Revocation Root/O=trustpath tests"
CADIR=root openssl ca -batch -config ca.cnf -notext -selfsign -keyfile root.key -extensions root_ext \
    -startdate $start -enddate $end -in root.csr -out root.pem 2>/dev/null
key ca && csr ca "/CN=trustpath CLI Revocation CA/O=trustpath tests" && sign root root ca_ext ca
key leaf && csr leaf "/CN=leaf.example.test" && sign ca ca leaf_ext leaf
key other && csr other "/CN=other.example.test" && sign ca ca leaf_ext other
key responder && csr responder "/CN=trustpath CLI OCSP Responder" && sign ca ca responder_ext responder

openssl ocsp -issuer ca.pem -cert leaf.pem -no_nonce -reqout leaf.req >/dev/null 2>&1

gencrl root root root.crl.pem
revoke ca ca other
gencrl ca ca ca-good.crl.pem
ocsp ca ca leaf-good.ocsp
ocsp ca responder leaf-good-delegated.ocsp -resp_no_certs
revoke ca ca leaf
gencrl ca ca ca-revoked.crl.pem
ocsp ca ca leaf-revoked.ocsp

for f in root ca leaf responder; do cp "$f.pem" "$out/$f.pem"; done
openssl crl -in ca-good.crl.pem -outform DER -out "$out/ca-good.crl"
cp ca-revoked.crl.pem "$out/ca-revoked.crl.pem"
cp root.crl.pem "$out/root.crl.pem"
cat root.crl.pem ca-good.crl.pem > "$out/all-good.crl.pem"
cp leaf-good.ocsp leaf-good-delegated.ocsp leaf-revoked.ocsp "$out/"
printf 'not a CRL\n' > "$out/garbage.crl"
