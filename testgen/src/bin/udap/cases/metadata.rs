//! Signed server metadata (UDAP Security IG §2): accepted documents and the refused ones.

use super::*;

pub(super) fn generate(g: &mut Gen<'_>) -> Result<()> {
    let server = g.leaf("server");
    let doc = |token: &str| metadata_document(Some(token));
    let claims = |label: &str| metadata_claims(label);

    g.metadata(
        "metadata-valid",
        "signed metadata (RS256) by the server certificate whose SAN URI is the base URL; endpoints match",
        &doc(&sign(server, &claims("md-valid"))?),
        None,
        ok(),
    )?;
    g.metadata(
        "metadata-valid-community",
        "the client asked for the FhirLabs community (?community=udap://fhirlabs.example)",
        &doc(&sign(server, &claims("md-valid-community"))?),
        Some(FHIRLABS),
        ok(),
    )?;
    {
        let c = claims("md-no-authz");
        let mut d = doc(&sign(server, &without(&c, "authorization_endpoint"))?);
        if let Some(obj) = d.as_object_mut() {
            obj.remove("authorization_endpoint");
        }
        g.metadata(
            "metadata-valid-without-authorization-endpoint",
            "no authorization_endpoint in either the document or the signed claims (client_credentials only)",
            &d,
            None,
            ok(),
        )?;
    }
    g.metadata(
        "metadata-es256",
        "signed ES256 by a P-256 server certificate: signed metadata SHALL be RS256",
        &doc(&sign(g.leaf("server-es256"), &claims("md-es256"))?),
        None,
        no(None, "alg_not_allowed"),
    )?;
    g.metadata(
        "metadata-iss-not-base-url",
        "iss = sub = https://fhir.example.org:443/r4, a SAN URI of the certificate but not the base URL",
        &doc(&sign(server, &set(&set(&claims("md-iss-alt"), "iss", json!(BASE_URL_ALT)), "sub", json!(BASE_URL_ALT)))?),
        None,
        no(None, "claim"),
    )?;
    g.metadata(
        "metadata-iss-not-san-uri",
        "iss = the base URL, but signed with a (trusted) client certificate whose SAN URI is not the base URL",
        &doc(&sign(g.leaf("client-rsa"), &claims("md-not-san"))?),
        None,
        no(None, "san_uri_mismatch"),
    )?;
    g.metadata(
        "metadata-sub-not-iss",
        "sub differs from iss",
        &doc(&sign(server, &set(&claims("md-sub"), "sub", json!(BASE_URL_ALT)))?),
        None,
        no(None, "claim"),
    )?;
    {
        let c = claims("md-365");
        let iat = c["iat"].as_u64().unwrap_or_default();
        g.metadata(
            "metadata-lifetime-365-days",
            "exp = iat + 365 days (2026-05-01 to 2027-05-01: one year)",
            &doc(&sign(server, &set(&c, "exp", json!(iat + 365 * 86_400)))?),
            None,
            ok(),
        )?;
        let c = claims("md-367");
        g.metadata(
            "metadata-lifetime-over-one-year",
            "exp = iat + 367 days: more than one year",
            &doc(&sign(server, &set(&c, "exp", json!(iat + 367 * 86_400)))?),
            None,
            no(None, "claim"),
        )?;
    }
    {
        let iat = trustpath_testgen::time::unix(2025, 5, 1, 0, 0, 0);
        g.metadata(
            "metadata-expired",
            "issued 2025-05-01, expired 2026-04-30",
            &doc(&sign(
                server,
                &set(&set(&claims("md-expired"), "iat", json!(iat)), "exp", json!(iat + 364 * 86_400)),
            )?),
            None,
            no(None, "claim"),
        )?;
    }
    g.metadata(
        "metadata-jti-missing",
        "no jti",
        &doc(&sign(server, &without(&claims("md-jti"), "jti"))?),
        None,
        no(None, "claim"),
    )?;
    {
        let mut d = doc(&sign(server, &claims("md-differs"))?);
        d["token_endpoint"] = json!("https://evil.example.net/oauth/token");
        g.metadata(
            "metadata-endpoint-differs",
            "the unsigned token_endpoint differs from the signed one",
            &d,
            None,
            no(None, "metadata_mismatch"),
        )?;
    }
    g.metadata(
        "metadata-authorization-endpoint-not-signed",
        "authorization_endpoint is in the unsigned document but not in the signed claims",
        &doc(&sign(server, &without(&claims("md-authz-unsigned"), "authorization_endpoint"))?),
        None,
        no(None, "metadata_mismatch"),
    )?;
    g.metadata(
        "metadata-registration-endpoint-not-signed",
        "registration_endpoint is in the unsigned document but not in the signed claims (a required signed claim)",
        &doc(&sign(server, &without(&claims("md-reg-unsigned"), "registration_endpoint"))?),
        None,
        no(None, "claim"),
    )?;
    g.metadata(
        "metadata-signed-metadata-missing",
        "the document has no signed_metadata",
        &metadata_document(None),
        None,
        no(None, "claim"),
    )?;
    g.metadata(
        "metadata-untrusted",
        "signed by a certificate under a root no community trusts",
        &doc(&sign(g.leaf("client-untrusted"), &claims("md-untrusted"))?),
        None,
        no(None, "unknown_issuer"),
    )?;
    g.metadata(
        "metadata-other-community-requested",
        "the client asked for the other community, but the metadata is signed with the FhirLabs certificate",
        &doc(&sign(server, &claims("md-other-community"))?),
        Some(OTHER),
        no(None, "unknown_issuer"),
    )?;
    g.metadata(
        "metadata-bad-signature",
        "one bit of the signature flipped",
        &doc(&jws::flip_signature_bit(&sign(server, &claims("md-bad-sig"))?)?),
        None,
        no(None, "jws_bad_signature"),
    )?;
    g.metadata(
        "metadata-alg-none",
        "alg none, empty signature",
        &doc(&jws::unsecured(&jws::header("none", &server.chain), &claims("md-none"))?),
        None,
        no(None, "alg_not_allowed"),
    )?;
    Ok(())
}
