//! The TLS setup of the registry clients, built here rather than by reqwest so that the system's root
//! certificates are read when a server certificate first needs them, not when a client is made (issue 14):
//! reading and parsing the ~300 files of /etc/ssl/certs took ~10 ms of every pull, even from a plain-HTTP
//! registry, whose HTTPS probe fails before any certificate is shown.
//!
//! What is verified is what reqwest's own rustls setup verifies: the platform verifier (system roots plus
//! the endpoint's extra CA files) with aws-lc, TLS 1.2 and 1.3, ALPN h2 then http/1.1; nothing at all for
//! registries marked insecure (docs/security.md C9); the client certificate when one is configured.
//!
//! Must not depend on anything in berth but the parent module's types.

use crate::config::ClientCert;
use anyhow::{Context, Result};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The rustls client configuration for an endpoint with these extra CA files, strictness and client
/// certificate.
pub(super) fn client_config(
    ca_files: &[PathBuf],
    insecure: bool,
    client_cert: Option<&ClientCert>,
) -> Result<ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut extra = Vec::new();
    for f in ca_files {
        let pem = std::fs::read(f).with_context(|| format!("reading CA file {}", f.display()))?;
        let certs = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("parsing CA file {}", f.display()))?;
        extra.extend(certs);
    }
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .context("building the TLS configuration")?
        .dangerous();
    let verifier: Arc<dyn ServerCertVerifier> = if insecure {
        Arc::new(AnyCertificate(provider))
    } else {
        Arc::new(LazyRoots {
            extra,
            provider,
            verifier: OnceLock::new(),
        })
    };
    let builder = builder.with_custom_certificate_verifier(verifier);
    let mut cfg = match client_cert {
        Some(cc) => {
            let (certs, key) = client_identity(cc)?;
            builder
                .with_client_auth_cert(certs, key)
                .with_context(|| format!("loading client certificate {}", cc.cert.display()))?
        }
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(cfg)
}

/// The certificate chain and key in a client certificate file and its key file (or both in one PEM file).
fn client_identity(
    cc: &ClientCert,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)> {
    let mut pem = std::fs::read(&cc.cert)
        .with_context(|| format!("reading client certificate {}", cc.cert.display()))?;
    if let Some(k) = &cc.key {
        pem.push(b'\n');
        pem.extend(
            std::fs::read(k).with_context(|| format!("reading client key {}", k.display()))?,
        );
    }
    let what = || {
        format!(
            "loading client certificate {}{}",
            cc.cert.display(),
            cc.key
                .as_ref()
                .map(|k| format!(" with key {}", k.display()))
                .unwrap_or_default()
        )
    };
    let certs = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .with_context(what)?;
    let key = PrivateKeyDer::from_pem_slice(&pem).with_context(what)?;
    if certs.is_empty() {
        return Err(anyhow::anyhow!("no certificate found")).with_context(what);
    }
    Ok((certs, key))
}

/// The platform verifier (system roots and the extra CAs), made when a server first presents a
/// certificate.
#[derive(Debug)]
struct LazyRoots {
    extra: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<Arc<rustls_platform_verifier::Verifier>, rustls::Error>>,
}

impl LazyRoots {
    fn get(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new_with_extra_roots(
                    self.extra.iter().cloned(),
                    self.provider.clone(),
                )
                .map(Arc::new)
            })
            .as_deref()
            .map_err(Clone::clone)
    }
}

impl ServerCertVerifier for LazyRoots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.get()?
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls13_signature(message, cert, dss)
    }

    /// What the platform verifier supports (its WebPKI verifier's list: the provider's algorithms), without
    /// reading the roots: the ClientHello needs it before any certificate.
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A registry marked insecure: any certificate, any signature (reqwest's `danger_accept_invalid_certs`).
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
