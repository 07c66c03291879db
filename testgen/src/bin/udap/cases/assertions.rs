//! Client assertions at the token endpoint (UDAP Security IG §4 and §5): accepted tokens, claims, replay, the certificate binding and trust, signatures and algorithms, the hl7-b2b extension.

use super::*;

pub(super) fn generate(g: &mut Gen<'_>) -> Result<()> {
    accepted(g)?;
    claims(g)?;
    replay(g)?;
    binding_and_trust(g)?;
    signatures_and_algorithms(g)?;
    hl7_b2b(g)?;
    Ok(())
}

/// Accepted.
fn accepted(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let ec = g.leaf("client-es256");
    let partner = g.leaf("client-partner");
    let base = |label: &str| assertion(&MAIN, label, CC);
    // Accepted.
    g.assertion(
        "assertion-cc-valid",
        "client_credentials (B): RS256 assertion with a well-formed hl7-b2b extension, x5c = leaf and intermediate",
        MAIN,
        CC,
        sign(rsa, &base("cc-valid"))?,
        ok(),
    );
    g.assertion(
        "assertion-cc-valid-es256",
        "client_credentials (B): ES256 assertion from a P-256 client certificate",
        EC,
        CC,
        sign(ec, &assertion(&EC, "cc-valid-es256", CC))?,
        ok(),
    );
    g.assertion(
        "assertion-ac-valid",
        "authorization_code (C): assertion without extensions (hl7-b2b is not required for authorization_code)",
        MAIN,
        AC,
        sign(rsa, &assertion(&MAIN, "ac-valid", AC))?,
        ok(),
    );
    g.assertion(
        "assertion-cc-valid-other-community",
        "client_credentials from a client registered in the other trust community, whose certificate chains to that community's anchor",
        PARTNER,
        CC,
        sign(partner, &assertion(&PARTNER, "cc-valid-other", CC))?,
        ok(),
    );
    g.assertion(
        "assertion-cc-valid-leaf-only-x5c",
        "x5c holds only the client certificate; the server completes the path with the intermediates it knows",
        MAIN,
        CC,
        sign_x5c(rsa, std::slice::from_ref(&rsa.der), &base("cc-leaf-only"))?,
        ok(),
    );
    g.assertion(
        "assertion-aud-array-with-token-url",
        "aud is an array containing the token endpoint URL (UDAP: aud MUST contain it)",
        MAIN,
        CC,
        sign(rsa, &set(&base("aud-array"), "aud", json!(["https://other.example.org/token", TOKEN_URL])))?,
        ok(),
    );
    {
        let c = base("lifetime-300");
        let iat = now() - 30;
        g.assertion(
            "assertion-lifetime-300",
            "exp − iat = 300 s exactly (the IG's maximum)",
            MAIN,
            CC,
            sign(rsa, &set(&set(&c, "iat", json!(iat)), "exp", json!(iat + 300)))?,
            ok(),
        );
    }

    g.assertion(
        "assertion-expired-within-skew",
        "exp 20 s before the validation time: still inside the 60 s clock skew",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("expired-within-skew"), "iat", json!(now() - 320)), "exp", json!(now() - 20)))?,
        ok(),
    );
    Ok(())
}

/// Claims.
fn claims(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let base = |label: &str| assertion(&MAIN, label, CC);
    // Claims.
    g.assertion(
        "assertion-sub-not-iss",
        "sub differs from iss (both must be the client_id)",
        MAIN,
        CC,
        sign(rsa, &set(&base("sub-not-iss"), "sub", json!("client-43")))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-iss-not-client-id",
        "iss = sub, but not the client_id the request is for",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("iss-not-client-id"), "iss", json!("client-43")), "sub", json!("client-43")))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-iss-is-client-uri",
        "iss = sub = the client URI (the software statement's iss), not the client_id",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("iss-client-uri"), "iss", json!(CLIENT_URI)), "sub", json!(CLIENT_URI)))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-iss-missing",
        "no iss",
        MAIN,
        CC,
        sign(rsa, &without(&base("iss-missing"), "iss"))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-aud-wrong",
        "aud is the registration endpoint, not the token endpoint",
        MAIN,
        CC,
        sign(rsa, &set(&base("aud-wrong"), "aud", json!(REGISTER_URL)))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-aud-trailing-slash",
        "aud is the token endpoint URL with a trailing slash (URIs compare exactly, IG §7.1.5)",
        MAIN,
        CC,
        sign(rsa, &set(&base("aud-slash"), "aud", json!(format!("{TOKEN_URL}/"))))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-aud-array-without-token-url",
        "aud is an array without the token endpoint URL",
        MAIN,
        CC,
        sign(rsa, &set(&base("aud-array-without"), "aud", json!([REGISTER_URL, "https://other.example.org/token"])))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-aud-missing",
        "no aud",
        MAIN,
        CC,
        sign(rsa, &without(&base("aud-missing"), "aud"))?,
        no(INVALID_CLIENT, "claim"),
    );
    {
        let iat = now() - 30;
        g.assertion(
            "assertion-lifetime-301",
            "exp − iat = 301 s: over the IG's five-minute maximum",
            MAIN,
            CC,
            sign(rsa, &set(&set(&base("lifetime-301"), "iat", json!(iat)), "exp", json!(iat + 301)))?,
            no(INVALID_CLIENT, "claim"),
        );
    }
    g.assertion(
        "assertion-expired",
        "exp 10 minutes before the validation time (beyond the 60 s clock skew)",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("expired"), "iat", json!(now() - 900)), "exp", json!(now() - 600)))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-iat-in-future",
        "iat 5 minutes after the validation time (beyond the 60 s clock skew)",
        MAIN,
        CC,
        sign(rsa, &set(&set(&base("iat-future"), "iat", json!(now() + 300)), "exp", json!(now() + 600)))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-exp-missing",
        "no exp",
        MAIN,
        CC,
        sign(rsa, &without(&base("exp-missing"), "exp"))?,
        no(INVALID_CLIENT, "claim"),
    );
    g.assertion(
        "assertion-jti-missing",
        "no jti",
        MAIN,
        CC,
        sign(rsa, &without(&base("jti-missing"), "jti"))?,
        no(INVALID_CLIENT, "claim"),
    );
    Ok(())
}

/// Replay: several tokens against one store.
fn replay(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let base = |label: &str| assertion(&MAIN, label, CC);
    // Replay: several tokens against one store.
    let first = sign(rsa, &base("replay-same-token"))?;
    g.assertion_seq(
        "assertion-replay-same-token",
        "the same assertion sent twice: the second use of (iss, jti) before expiry is a replay",
        MAIN,
        CC,
        vec![first],
        &[0, 0],
        vec![ok(), no(INVALID_CLIENT, "replay")],
    );
    let c1 = base("replay-same-jti");
    let c2 = set(&set(&c1, "iat", json!(now() - 10)), "exp", json!(now() + 290));
    g.assertion_seq(
        "assertion-replay-same-jti",
        "two different assertions (iat 20 s apart) with the same jti: the second is a replay",
        MAIN,
        CC,
        vec![sign(rsa, &c1)?, sign(rsa, &c2)?],
        &[0, 1],
        vec![ok(), no(INVALID_CLIENT, "replay")],
    );
    g.assertion_seq(
        "assertion-distinct-jti",
        "two assertions with different jti values: both accepted by the same store",
        MAIN,
        CC,
        vec![sign(rsa, &base("distinct-1"))?, sign(rsa, &base("distinct-2"))?],
        &[0, 1],
        vec![ok(), ok()],
    );
    Ok(())
}

/// Certificate binding and trust.
fn binding_and_trust(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let base = |label: &str| assertion(&MAIN, label, CC);
    // Certificate binding and trust.
    let other_uri = Client { client_uri: "https://client.example.org/apps/43", ..MAIN };
    g.assertion(
        "assertion-san-uri-not-registered",
        "the client was registered with https://client.example.org/apps/43, which is not a SAN URI of x5c[0]",
        other_uri,
        CC,
        sign(rsa, &base("san-not-registered"))?,
        no(INVALID_CLIENT, "san_uri_mismatch"),
    );
    g.assertion(
        "assertion-no-san-uri",
        "x5c[0] has no subjectAltName at all, so the registered client URI cannot be bound to it",
        MAIN,
        CC,
        sign(g.leaf("client-no-san"), &base("no-san"))?,
        no(INVALID_CLIENT, "san_uri_mismatch"),
    );
    let wrong_community = Client { community: OTHER, ..MAIN };
    g.assertion(
        "assertion-anchor-in-other-community",
        "the client registered in the other community, but its certificate chains to the FhirLabs anchor",
        wrong_community,
        CC,
        sign(rsa, &base("other-community"))?,
        no(INVALID_CLIENT, "unknown_issuer"),
    );
    g.assertion(
        "assertion-untrusted-anchor",
        "x5c[0] carries the registered client URI but chains to a root no community trusts",
        MAIN,
        CC,
        sign(g.leaf("client-untrusted"), &base("untrusted"))?,
        no(INVALID_CLIENT, "unknown_issuer"),
    );
    {
        let impostor = g.leaf("client-untrusted");
        let root = g.pki.hierarchy("udap://untrusted.example").root.issuer.der.clone();
        let x5c = [impostor.chain.clone(), vec![root]].concat();
        g.assertion(
            "assertion-x5c-with-untrusted-root",
            "the impostor also sends its self-signed root in x5c: x5c entries are never anchors",
            MAIN,
            CC,
            sign_x5c(impostor, &x5c, &base("x5c-untrusted-root"))?,
            no(INVALID_CLIENT, "unknown_issuer"),
        );
    }
    g.assertion(
        "assertion-cert-expired",
        "x5c[0] expired on 2026-01-01",
        MAIN,
        CC,
        sign(g.leaf("client-expired"), &base("cert-expired"))?,
        no(INVALID_CLIENT, "expired"),
    );
    g.assertion(
        "assertion-cert-revoked",
        "x5c[0] is on the FhirLabs intermediate's CRL (keyCompromise)",
        MAIN,
        CC,
        sign(g.leaf("client-revoked"), &base("cert-revoked"))?,
        no(INVALID_CLIENT, "revoked"),
    );
    g.assertion(
        "assertion-x5c-ca-signed",
        "the intermediate CA's own key signs the assertion with x5c = [intermediate]: a CA certificate is not a client",
        MAIN,
        CC,
        {
            let h = g.pki.hierarchy(FHIRLABS);
            let int = &h.intermediate.issuer;
            jws::sign(&jws::header("RS256", std::slice::from_ref(&int.der)), &base("ca-signed"), &int.key)?
        },
        no(INVALID_CLIENT, "certificate_profile"),
    );
    Ok(())
}

/// Signatures and algorithms.
fn signatures_and_algorithms(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let base = |label: &str| assertion(&MAIN, label, CC);
    // Signatures and algorithms.
    g.assertion(
        "assertion-bad-signature",
        "one bit of the RS256 signature flipped",
        MAIN,
        CC,
        jws::flip_signature_bit(&sign(rsa, &base("bad-signature"))?)?,
        no(INVALID_REQUEST, "jws_bad_signature"),
    );
    {
        let c = base("payload-tampered");
        let token = sign(rsa, &c)?;
        let tampered = set(&c, "exp", json!(now() + 3600));
        g.assertion(
            "assertion-payload-tampered",
            "the payload changed after signing (exp extended), signature kept",
            MAIN,
            CC,
            jws::replace_payload(&token, &tampered)?,
            no(INVALID_REQUEST, "jws_bad_signature"),
        );
    }
    {
        // Signed by the impostor's key, with the registered client's chain in x5c.
        let impostor = g.leaf("client-untrusted");
        let token = jws::sign(&jws::header("RS256", &rsa.chain), &base("other-key"), &impostor.key)?;
        g.assertion(
            "assertion-signed-by-other-key",
            "x5c is the registered client's chain but the signature is by another key (only x5c[0]'s key may verify)",
            MAIN,
            CC,
            token,
            no(INVALID_REQUEST, "jws_bad_signature"),
        );
    }
    g.assertion(
        "assertion-x5c-leaf-not-first",
        "x5c = [intermediate, leaf], signed by the leaf's key: x5c[0] must be the signer's certificate",
        MAIN,
        CC,
        sign_x5c(rsa, &[rsa.chain[1].clone(), rsa.chain[0].clone()], &base("leaf-not-first"))?,
        no(INVALID_REQUEST, "jws_bad_signature"),
    );
    g.assertion(
        "assertion-x5c-missing",
        "header without x5c",
        MAIN,
        CC,
        jws::sign(&json!({"alg": "RS256", "typ": "JWT"}), &base("x5c-missing"), &rsa.key)?,
        no(INVALID_REQUEST, "x5c_missing"),
    );
    g.assertion(
        "assertion-alg-none",
        "alg none, empty signature (an unsecured JWS), with the client's valid x5c",
        MAIN,
        CC,
        jws::unsecured(&jws::header("none", &rsa.chain), &base("alg-none"))?,
        no(INVALID_REQUEST, "alg_not_allowed"),
    );
    g.assertion(
        "assertion-alg-hs256",
        "alg HS256 with the client certificate's public key (SPKI DER) as the HMAC secret (algorithm confusion)",
        MAIN,
        CC,
        {
            let spki = x509_spki(&rsa.der)?;
            jws::sign_hs256(&jws::header("HS256", &rsa.chain), &base("alg-hs256"), &spki)?
        },
        no(INVALID_REQUEST, "alg_not_allowed"),
    );
    g.assertion(
        "assertion-alg-hs256-garbage-x5c",
        "alg HS256 with an x5c that is not base64 DER: rejected for its alg before x5c or any key is looked at",
        MAIN,
        CC,
        jws::sign_hs256(&json!({"alg": "HS256", "x5c": ["not base64 DER!"]}), &base("alg-hs256-garbage"), b"secret")?,
        no(INVALID_REQUEST, "alg_not_allowed"),
    );
    g.assertion(
        "assertion-alg-none-garbage-x5c",
        "alg none with an x5c that is not base64 DER and a non-empty signature: rejected for its alg first",
        MAIN,
        CC,
        format!(
            "{}.{}",
            jws::signing_input(&json!({"alg": "none", "x5c": ["%%%"]}), &base("alg-none-garbage"))?,
            jws::b64url(b"sig")
        ),
        no(INVALID_REQUEST, "alg_not_allowed"),
    );
    Ok(())
}

/// hl7-b2b (client_credentials).
fn hl7_b2b(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let base = |label: &str| assertion(&MAIN, label, CC);
    // hl7-b2b (client_credentials).
    let b2b_cases: Vec<(&str, &str, Option<Value>)> = vec![
        ("b2b-missing", "client_credentials without extensions.hl7-b2b (extensions empty)", None),
        ("b2b-not-object", "extensions.hl7-b2b is a string", Some(json!("hl7-b2b"))),
        ("b2b-version-missing", "hl7-b2b without version", Some(without(&b2b(), "version"))),
        ("b2b-version-2", "hl7-b2b version \"2\"", Some(b2b_set("version", json!("2")))),
        (
            "b2b-version-number",
            "hl7-b2b version 1 as a number, not the string \"1\"",
            Some(b2b_set("version", json!(1))),
        ),
        ("b2b-organization-id-missing", "hl7-b2b without organization_id", Some(without(&b2b(), "organization_id"))),
        (
            "b2b-organization-id-not-uri",
            "hl7-b2b organization_id \"Example Clinic\" is not a URI",
            Some(b2b_set("organization_id", json!("Example Clinic"))),
        ),
        ("b2b-purpose-missing", "hl7-b2b without purpose_of_use", Some(without(&b2b(), "purpose_of_use"))),
        ("b2b-purpose-empty", "hl7-b2b purpose_of_use is an empty array", Some(b2b_set("purpose_of_use", json!([])))),
        (
            "b2b-purpose-not-array",
            "hl7-b2b purpose_of_use is a string, not an array",
            Some(b2b_set("purpose_of_use", json!("urn:oid:2.16.840.1.113883.5.8#TREAT"))),
        ),
    ];
    for (label, description, ext) in b2b_cases {
        let claims = with_b2b(&base(label), ext);
        g.assertion(
            &format!("assertion-{label}"),
            description,
            MAIN,
            CC,
            sign(rsa, &claims)?,
            no(INVALID_GRANT, "authorization_extension"),
        );
    }
    g.assertion(
        "assertion-cc-extensions-missing",
        "client_credentials without the extensions claim",
        MAIN,
        CC,
        sign(rsa, &without(&base("extensions-missing"), "extensions"))?,
        no(INVALID_GRANT, "authorization_extension"),
    );
    Ok(())
}
