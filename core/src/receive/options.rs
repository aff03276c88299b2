//! A receiver from plain values, as every binding receives them from its host language.

use std::net::{IpAddr, SocketAddr};

use super::config::ReceiverConfig;
use super::{Endpoint, Receiver};
use crate::credentials::Secret;
use crate::error::{Error, ErrorCode};
use crate::store;

/// Receiver settings as plain optional values (Python keyword arguments, a Node options
/// object, a Kotlin/Swift record). Secrets never appear in `Debug`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ReceiverOptions {
    /// Meta: the app secret notifications are signed with.
    pub meta_app_secret: Option<String>,
    /// Meta: the verify token of the webhook subscription.
    pub meta_verify_token: Option<String>,
    /// CAMS: the shared secret the push URLs carry as `?token=`.
    pub cams_token: Option<String>,
    /// CAMS: the networks (`47.74.0.0/16`) or addresses pushes may come from.
    pub cams_allowed_ips: Vec<String>,
    /// CAMS: accept pushes with neither token nor allow-list.
    pub cams_unauthenticated: bool,
    /// Where events are recorded ([`crate::store::open`]): an SQLite file (created if
    /// missing), a Redis URL (a fleet's workers sharing it) or [`crate::store::MEMORY_STORE`];
    /// without one, every event of every request is handed out, redeliveries included.
    pub event_store: Option<String>,
}

impl std::fmt::Debug for ReceiverOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = |secret: &Option<String>| secret.as_ref().map(|_| "***");
        f.debug_struct("ReceiverOptions")
            .field("meta_app_secret", &set(&self.meta_app_secret))
            .field("meta_verify_token", &set(&self.meta_verify_token))
            .field("cams_token", &set(&self.cams_token))
            .field("cams_allowed_ips", &self.cams_allowed_ips)
            .field("cams_unauthenticated", &self.cams_unauthenticated)
            .field("event_store", &self.event_store.as_deref().map(crate::endpoint::redacted))
            .finish()
    }
}

impl Receiver {
    /// The receiver `options` describe, with its store opened; bad values are
    /// [`ErrorCode::InvalidConfig`], a store that cannot be opened [`ErrorCode::StoreFailed`].
    pub fn from_options(options: ReceiverOptions) -> Result<Self, Error> {
        let config = ReceiverConfig {
            meta_app_secret: options.meta_app_secret.map(Secret::new),
            meta_verify_token: options.meta_verify_token.map(Secret::new),
            cams_token: options.cams_token.map(Secret::new),
            cams_allowed_ips: ReceiverConfig::parse_allowed_ips(&options.cams_allowed_ips)?,
            cams_unauthenticated: options.cams_unauthenticated,
            ..ReceiverConfig::default()
        };
        let receiver = Self::new(config)?;
        Ok(match options.event_store.as_deref() {
            None => receiver,
            Some(name) => receiver.with_store(store::open(name)?),
        })
    }
}

impl Endpoint {
    /// Every endpoint's name, for error messages and declarations.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

/// A peer address as a web framework gives it: `203.0.113.7`, `::ffff:203.0.113.7`,
/// `203.0.113.7:51234` or `[2001:db8::1]:443`; anything else is
/// [`ErrorCode::InvalidParameter`].
pub fn parse_remote_addr(text: &str) -> Result<IpAddr, Error> {
    let text = text.trim();
    text.parse::<IpAddr>().or_else(|_| text.parse::<SocketAddr>().map(|socket| socket.ip())).map_err(|_| {
        let shown: String = text.chars().take(64).collect();
        Error::new(ErrorCode::InvalidParameter, format!("the remote address {shown:?} is not an IP address"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_addresses_as_frameworks_give_them() {
        for (text, ip) in [
            ("203.0.113.7", "203.0.113.7"),
            (" ::ffff:203.0.113.7 ", "::ffff:203.0.113.7"),
            ("203.0.113.7:51234", "203.0.113.7"),
            ("[2001:db8::1]:443", "2001:db8::1"),
        ] {
            assert_eq!(parse_remote_addr(text).unwrap(), ip.parse::<IpAddr>().unwrap(), "{text}");
        }
        assert_eq!(parse_remote_addr("localhost").unwrap_err().code(), ErrorCode::InvalidParameter);
    }

    #[test]
    fn builds_a_receiver_and_its_store_from_plain_values() {
        let options = ReceiverOptions {
            meta_app_secret: Some("app-secret".into()),
            cams_token: Some("push-token".into()),
            cams_allowed_ips: vec!["47.74.0.0/16".into()],
            event_store: Some(store::MEMORY_STORE.into()),
            ..ReceiverOptions::default()
        };
        let shown = format!("{options:?}");
        assert!(!shown.contains("app-secret") && !shown.contains("push-token"), "{shown}");
        let receiver = Receiver::from_options(options.clone()).unwrap();
        assert!(receiver.store().is_some());
        assert!(
            Receiver::from_options(ReceiverOptions { event_store: None, ..options.clone() }).unwrap().store().is_none()
        );
        let bad = ReceiverOptions { cams_allowed_ips: vec!["nope".into()], ..options.clone() };
        assert_eq!(Receiver::from_options(bad).unwrap_err().code(), ErrorCode::InvalidConfig);
        let empty = ReceiverOptions { event_store: Some(String::new()), ..options.clone() };
        assert_eq!(Receiver::from_options(empty).unwrap_err().code(), ErrorCode::InvalidConfig);
        let unopenable = ReceiverOptions { event_store: Some("/nonexistent-dir/x/events.db".into()), ..options };
        assert_eq!(Receiver::from_options(unopenable).unwrap_err().code(), ErrorCode::StoreFailed);
        assert_eq!(Endpoint::names(), "cams_status, cams_inbound, meta");
    }
}
