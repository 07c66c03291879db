//! Software statements at the registration endpoint (UDAP Security IG §3): accepted statements, their claims, registration parameters, the request body, trust and signature.

use super::*;

pub(super) fn generate(g: &mut Gen<'_>) -> Result<()> {
    accepted(g)?;
    statement_claims(g)?;
    registration_parameters(g)?;
    request_body(g)?;
    trust_and_signature(g)?;
    Ok(())
}

/// Accepted.
fn accepted(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let cc = |label: &str| statement(CLIENT_URI, label, CC);
    let ac = |label: &str| statement(CLIENT_URI, label, AC);
    // Accepted.
    g.accepted_registration(
        "registration-cc-valid",
        "client_credentials registration (D), RS256, x5c = leaf and intermediate",
        &sign(rsa, &cc("reg-cc-valid"))?,
        reg(FHIRLABS, CLIENT_URI, CC),
    )?;
    g.accepted_registration(
        "registration-ac-valid",
        "authorization_code + refresh_token registration with https redirect URI, response_types [\"code\"] and an https PNG logo",
        &sign(rsa, &ac("reg-ac-valid"))?,
        Registration {
            refresh_token: Some(true),
            redirect_uris: vec![REDIRECT],
            ..reg(FHIRLABS, CLIENT_URI, AC)
        },
    )?;
    g.accepted_registration(
        "registration-cc-valid-es256",
        "client_credentials registration signed ES256 by a P-256 client certificate",
        &sign(g.leaf("client-es256"), &statement(EC_CLIENT_URI, "reg-es256", CC))?,
        reg(FHIRLABS, EC_CLIENT_URI, CC),
    )?;
    g.accepted_registration(
        "registration-cc-valid-other-community",
        "a client of the other community registers: the result names that community",
        &sign(g.leaf("client-partner"), &statement(PARTNER_URI, "reg-partner", CC))?,
        reg(OTHER, PARTNER_URI, CC),
    )?;
    g.accepted_registration(
        "registration-aud-array",
        "aud is an array containing the registration endpoint URL (UDAP: aud MUST contain it)",
        &sign(rsa, &set(&cc("reg-aud-array"), "aud", json!([REGISTER_URL, "https://other.example.org/register"])))?,
        reg(FHIRLABS, CLIENT_URI, CC),
    )?;
    g.accepted_registration(
        "registration-cancel",
        "empty grant_types: a request to cancel the registration of (community, iss)",
        &sign(rsa, &set(&cc("reg-cancel"), "grant_types", json!([])))?,
        reg(FHIRLABS, CLIENT_URI, "cancel"),
    )?;
    g.statement_seq(
        "registration-bare-statement",
        "a bare software statement (compact JWS, not a request body), verified on its own",
        vec![sign(rsa, &cc("reg-bare"))?.into_bytes()],
        "jwt",
        &[0],
        vec![ok()],
        Some(reg(FHIRLABS, CLIENT_URI, CC)),
    );
    {
        let token = sign(rsa, &cc("reg-replay"))?;
        let again = sign(rsa, &set(&cc("reg-replay"), "client_name", json!("Example Client App (again)")))?;
        g.statement_seq(
            "registration-replay-same-jti",
            "two registration requests whose statements share iss and jti: the second is refused (the server MAY deny)",
            vec![pretty(&body(&token))?, pretty(&body(&again))?],
            "json",
            &[0, 1],
            vec![ok(), no(INVALID_STATEMENT, "replay")],
            Some(reg(FHIRLABS, CLIENT_URI, CC)),
        );
    }
    Ok(())
}

/// Claims of the statement.
fn statement_claims(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let cc = |label: &str| statement(CLIENT_URI, label, CC);
    // Claims of the statement.
    g.registration(
        "registration-iss-not-san-uri",
        "iss = sub = https://client.example.org/apps/99, not a SAN URI of x5c[0]",
        &sign(
            rsa,
            &set(
                &set(&cc("reg-iss-not-san"), "iss", json!("https://client.example.org/apps/99")),
                "sub",
                json!("https://client.example.org/apps/99"),
            ),
        )?,
        no(INVALID_STATEMENT, "san_uri_mismatch"),
    )?;
    g.registration(
        "registration-iss-san-uri-case",
        "iss differs from the SAN URI only by the case of the host name (URIs compare exactly, IG §7.1.5)",
        &sign(
            rsa,
            &set(
                &set(&cc("reg-iss-case"), "iss", json!("https://CLIENT.example.org/apps/42")),
                "sub",
                json!("https://CLIENT.example.org/apps/42"),
            ),
        )?,
        no(INVALID_STATEMENT, "san_uri_mismatch"),
    )?;
    g.registration(
        "registration-no-san-uri",
        "x5c[0] has no subjectAltName, so iss cannot match a SAN URI",
        &sign(g.leaf("client-no-san"), &cc("reg-no-san"))?,
        no(INVALID_STATEMENT, "san_uri_mismatch"),
    )?;
    g.registration(
        "registration-sub-not-iss",
        "sub differs from iss",
        &sign(rsa, &set(&cc("reg-sub"), "sub", json!("https://client.example.org/apps/43")))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    g.registration(
        "registration-aud-wrong",
        "aud is the token endpoint, not the registration endpoint",
        &sign(rsa, &set(&cc("reg-aud"), "aud", json!(TOKEN_URL)))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    {
        let iat = now() - 30;
        g.registration(
            "registration-lifetime-301",
            "exp = iat + 301 s: over the IG's five-minute maximum",
            &sign(rsa, &set(&set(&cc("reg-301"), "iat", json!(iat)), "exp", json!(iat + 301)))?,
            no(INVALID_STATEMENT, "claim"),
        )?;
    }
    g.registration(
        "registration-expired",
        "the statement expired 10 minutes before the validation time",
        &sign(rsa, &set(&set(&cc("reg-expired"), "iat", json!(now() - 900)), "exp", json!(now() - 600)))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    g.registration(
        "registration-iat-in-future",
        "iat 5 minutes after the validation time (beyond the 60 s clock skew)",
        &sign(rsa, &set(&set(&cc("reg-iat-future"), "iat", json!(now() + 300)), "exp", json!(now() + 600)))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    g.registration(
        "registration-jti-missing",
        "no jti",
        &sign(rsa, &without(&cc("reg-jti"), "jti"))?,
        no(INVALID_STATEMENT, "claim"),
    )?;
    Ok(())
}

/// Registration parameters.
fn registration_parameters(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let cc = |label: &str| statement(CLIENT_URI, label, CC);
    let ac = |label: &str| statement(CLIENT_URI, label, AC);
    // Registration parameters.
    let params: Vec<(&str, &str, Value, Expected)> = vec![
        (
            "client-name-missing",
            "no client_name",
            without(&cc("reg-name"), "client_name"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-both",
            "grant_types has both authorization_code and client_credentials",
            set(&ac("reg-both"), "grant_types", json!([AC, CC])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-refresh-only",
            "grant_types [\"refresh_token\"] alone",
            set(&cc("reg-refresh"), "grant_types", json!(["refresh_token"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-cc-refresh",
            "grant_types [\"client_credentials\", \"refresh_token\"]: refresh_token only with authorization_code",
            set(&cc("reg-cc-refresh"), "grant_types", json!([CC, "refresh_token"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-unknown",
            "grant_types [\"password\"]",
            set(&cc("reg-password"), "grant_types", json!(["password"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "grant-types-missing",
            "no grant_types",
            without(&cc("reg-no-grants"), "grant_types"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "redirect-uri-http",
            "authorization_code with an http redirect URI",
            set(&ac("reg-http-redirect"), "redirect_uris", json!(["http://client.example.org/apps/42/callback"])),
            no(INVALID_REDIRECT, "redirect_uri"),
        ),
        (
            "redirect-uris-missing",
            "authorization_code without redirect_uris",
            without(&ac("reg-no-redirect"), "redirect_uris"),
            no(INVALID_REDIRECT, "redirect_uri"),
        ),
        (
            "redirect-uris-with-cc",
            "client_credentials with redirect_uris (they SHALL be absent)",
            set(&cc("reg-cc-redirect"), "redirect_uris", json!([REDIRECT])),
            no(INVALID_REDIRECT, "redirect_uri"),
        ),
        (
            "response-types-wrong",
            "authorization_code with response_types [\"token\"]",
            set(&ac("reg-token-response"), "response_types", json!(["token"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "response-types-missing",
            "authorization_code without response_types",
            without(&ac("reg-no-response"), "response_types"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "response-types-with-cc",
            "client_credentials with response_types [\"code\"] (SHALL be omitted)",
            set(&cc("reg-cc-response"), "response_types", json!(["code"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "logo-uri-missing",
            "authorization_code without logo_uri",
            without(&ac("reg-no-logo"), "logo_uri"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "logo-uri-http",
            "authorization_code with an http logo_uri",
            set(&ac("reg-http-logo"), "logo_uri", json!("http://client.example.org/apps/42/logo.png")),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "logo-uri-not-image",
            "authorization_code with an https logo_uri that is not a PNG, JPG or GIF file",
            set(&ac("reg-logo-html"), "logo_uri", json!("https://client.example.org/apps/42/logo.html")),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "cc-logo-uri-http",
            "client_credentials with an http logo_uri: whenever present, logo_uri SHALL use https (IG §3.1)",
            set(&cc("reg-cc-http-logo"), "logo_uri", json!("http://client.example.org/apps/42/logo.png")),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "contacts-without-mailto",
            "contacts has no mailto: URI",
            set(&cc("reg-contacts"), "contacts", json!(["https://client.example.org/support", "tel:+1-555-0100"])),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "contacts-missing",
            "no contacts",
            without(&cc("reg-no-contacts"), "contacts"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "auth-method-wrong",
            "token_endpoint_auth_method client_secret_basic",
            set(&cc("reg-auth-method"), "token_endpoint_auth_method", json!("client_secret_basic")),
            no(INVALID_METADATA, "client_metadata"),
        ),
        (
            "auth-method-missing",
            "no token_endpoint_auth_method",
            without(&cc("reg-no-auth-method"), "token_endpoint_auth_method"),
            no(INVALID_METADATA, "client_metadata"),
        ),
        ("scope-missing", "no scope", without(&cc("reg-scope"), "scope"), no(INVALID_METADATA, "client_metadata")),
    ];
    for (label, description, claims, e) in params {
        let token = sign(rsa, &claims)?;
        g.registration(&format!("registration-{label}"), description, &token, e)?;
    }
    Ok(())
}

/// The request body.
fn request_body(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let cc = |label: &str| statement(CLIENT_URI, label, CC);
    // The request body.
    let token = sign(rsa, &cc("reg-udap-2"))?;
    g.registration_body(
        "registration-udap-not-1",
        "request body with udap \"2\"",
        &json!({"software_statement": token, "udap": "2"}),
        no(INVALID_METADATA, "client_metadata"),
    )?;
    let token = sign(rsa, &cc("reg-udap-missing"))?;
    g.registration_body(
        "registration-udap-missing",
        "request body without udap",
        &json!({"software_statement": token}),
        no(INVALID_METADATA, "client_metadata"),
    )?;
    g.registration_body(
        "registration-statement-missing",
        "request body without software_statement",
        &json!({"udap": "1", "client_name": "Example Client App"}),
        no(INVALID_STATEMENT, "claim"),
    )?;
    Ok(())
}

/// Trust and signature.
fn trust_and_signature(g: &mut Gen<'_>) -> Result<()> {
    let rsa = g.leaf("client-rsa");
    let cc = |label: &str| statement(CLIENT_URI, label, CC);
    // Trust and signature.
    g.registration(
        "registration-untrusted-anchor",
        "x5c[0] carries the client URI but chains to a root no community trusts",
        &sign(g.leaf("client-untrusted"), &cc("reg-untrusted"))?,
        no(UNAPPROVED, "unknown_issuer"),
    )?;
    g.registration(
        "registration-cert-expired",
        "x5c[0] expired on 2026-01-01",
        &sign(g.leaf("client-expired"), &cc("reg-cert-expired"))?,
        no(UNAPPROVED, "expired"),
    )?;
    g.registration(
        "registration-cert-revoked",
        "x5c[0] is revoked by the FhirLabs intermediate's CRL",
        &sign(g.leaf("client-revoked"), &cc("reg-cert-revoked"))?,
        no(UNAPPROVED, "revoked"),
    )?;
    g.registration(
        "registration-bad-signature",
        "one bit of the signature flipped",
        &jws::flip_signature_bit(&sign(rsa, &cc("reg-bad-sig"))?)?,
        no(INVALID_STATEMENT, "jws_bad_signature"),
    )?;
    g.registration(
        "registration-alg-none",
        "alg none, empty signature",
        &jws::unsecured(&jws::header("none", &rsa.chain), &cc("reg-none"))?,
        no(INVALID_STATEMENT, "alg_not_allowed"),
    )?;
    g.registration(
        "registration-x5c-leaf-not-first",
        "x5c = [intermediate, leaf], signed by the leaf's key",
        &sign_x5c(rsa, &[rsa.chain[1].clone(), rsa.chain[0].clone()], &cc("reg-leaf-not-first"))?,
        no(INVALID_STATEMENT, "jws_bad_signature"),
    )?;
    Ok(())
}
