//! Who may push to a CAMS endpoint: CAMS signs nothing (CAMS reference §10), so a push is
//! proven by a shared secret in its URL and/or the address it comes from.

use std::net::IpAddr;

use super::WebhookRequest;
use super::config::ReceiverConfig;
use crate::error::{Error, ErrorCode};
use crate::events::same_secret;

/// The query parameter carrying the shared secret.
const TOKEN_PARAMETER: &str = "token";

/// Passes a push allowed by every check configured: its address is in the allow-list, its URL
/// carries the token. Refuses with [`ErrorCode::PermissionDenied`] (address) or
/// [`ErrorCode::SignatureMismatch`] (token), and with [`ErrorCode::InvalidConfig`] when nothing
/// is configured and unauthenticated pushes were not allowed.
pub(super) fn check_cams(config: &ReceiverConfig, request: &WebhookRequest<'_>) -> Result<(), Error> {
    if config.cams_token.is_none() && config.cams_allowed_ips.is_empty() {
        return if config.cams_unauthenticated {
            Ok(())
        } else {
            Err(Error::new(
                ErrorCode::InvalidConfig,
                "CAMS pushes are not signed: configure cams_token (sent as `?token=` in the push URLs) or \
                 cams_allowed_ips, or accept them unauthenticated with cams_unauthenticated",
            ))
        };
    }
    if !config.cams_allowed_ips.is_empty() {
        let addr = request.remote_addr.as_ref().map(IpAddr::to_canonical).ok_or_else(|| {
            Error::new(ErrorCode::PermissionDenied, "the push's address is unknown, and cams_allowed_ips is set")
        })?;
        if !config.cams_allowed_ips.iter().any(|network| network.contains(&addr)) {
            return Err(Error::new(ErrorCode::PermissionDenied, format!("pushes from {addr} are not allowed")));
        }
    }
    if let Some(token) = &config.cams_token {
        let given = url::form_urlencoded::parse(request.query.strip_prefix('?').unwrap_or(request.query).as_bytes())
            .find(|(key, _)| key == TOKEN_PARAMETER)
            .map(|(_, value)| value)
            .ok_or_else(|| Error::new(ErrorCode::SignatureMismatch, "the push URL has no `token`"))?;
        if !same_secret(given.as_bytes(), token.expose().as_bytes()) {
            return Err(Error::new(ErrorCode::SignatureMismatch, "the push URL's `token` is not the configured one"));
        }
    }
    Ok(())
}
