//! How a receiver authenticates each provider's pushes.

use std::net::IpAddr;
use std::time::Duration;

use ipnet::IpNet;

use crate::credentials::Secret;
use crate::error::{Error, ErrorCode};

/// How often a [`super::Receiver`] prunes its store by default: once an hour.
pub const DEFAULT_PRUNE_INTERVAL: Duration = Duration::from_secs(60 * 60);

/// What a [`super::Receiver`] checks pushes against, and how often it prunes its store.
/// Secrets never appear in `Debug`.
#[derive(Clone, Debug)]
pub struct ReceiverConfig {
    /// Meta: the app secret notifications are signed with (`X-Hub-Signature-256`); without
    /// it, Meta notifications are refused.
    pub meta_app_secret: Option<Secret>,
    /// Meta: the verify token given when subscribing the webhook; without it, the
    /// subscription request is refused.
    pub meta_verify_token: Option<Secret>,
    /// CAMS: a shared secret the push URLs carry as their `token` query parameter
    /// (`https://example.com/cams/status?token=…`), compared in constant time.
    pub cams_token: Option<Secret>,
    /// CAMS: the networks pushes may come from (`47.74.0.0/16`, or one address); empty allows
    /// any address.
    pub cams_allowed_ips: Vec<IpNet>,
    /// CAMS: accept pushes with neither a token nor an allow-list. CAMS signs nothing, so
    /// anyone who finds the URL could then forge receipts; off by default.
    pub cams_unauthenticated: bool,
    /// With a store: the least time between two prunes of it
    /// ([`crate::store::EventStore::prune`], forgetting what is older than
    /// [`crate::store::DEDUP_TTL_MS`]), done by the ingest that finds the last one this old
    /// (the first ingest prunes). [`DEFAULT_PRUNE_INTERVAL`] by default; `None` never prunes
    /// (another process prunes a shared store), zero prunes on every ingest.
    pub prune_interval: Option<Duration>,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        Self {
            meta_app_secret: None,
            meta_verify_token: None,
            cams_token: None,
            cams_allowed_ips: Vec::new(),
            cams_unauthenticated: false,
            prune_interval: Some(DEFAULT_PRUNE_INTERVAL),
        }
    }
}

impl ReceiverConfig {
    /// Refuses an empty secret, or an allow-list combined with `cams_unauthenticated`, as
    /// [`ErrorCode::InvalidConfig`].
    pub fn check(&self) -> Result<(), Error> {
        let secrets = [
            ("meta_app_secret", &self.meta_app_secret),
            ("meta_verify_token", &self.meta_verify_token),
            ("cams_token", &self.cams_token),
        ];
        if let Some((name, _)) =
            secrets.iter().find(|(_, secret)| secret.as_ref().is_some_and(|s| s.expose().is_empty()))
        {
            return Err(Error::new(ErrorCode::InvalidConfig, format!("{name} is empty")));
        }
        if self.cams_unauthenticated && (self.cams_token.is_some() || !self.cams_allowed_ips.is_empty()) {
            return Err(Error::new(
                ErrorCode::InvalidConfig,
                "cams_unauthenticated cannot be combined with cams_token or cams_allowed_ips",
            ));
        }
        Ok(())
    }

    /// Reads an allow-list: each entry a network (`10.0.0.0/8`, `2001:db8::/32`) or one
    /// address; a malformed entry is [`ErrorCode::InvalidConfig`].
    pub fn parse_allowed_ips<S: AsRef<str>>(entries: &[S]) -> Result<Vec<IpNet>, Error> {
        entries
            .iter()
            .map(|entry| {
                let entry = entry.as_ref().trim();
                entry.parse::<IpNet>().or_else(|_| entry.parse::<IpAddr>().map(IpNet::from)).map_err(|_| {
                    Error::new(
                        ErrorCode::InvalidConfig,
                        format!("`{entry}` in cams_allowed_ips is neither an IP network nor an address"),
                    )
                })
            })
            .collect()
    }
}
