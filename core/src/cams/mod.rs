//! The CAMS wire contract — parameters, ACS3-HMAC-SHA256 signing, the signed HTTP request
//! and the classification of answers, all pure — `Cams`, CAMS behind the provider seam
//! ([`crate::provider`]), and the OSS uploads of media ([`oss`]).

pub mod codes;
pub mod encode;
pub mod ops;
pub mod oss;
mod provider;
pub mod request;
pub mod response;
pub mod sign;
pub mod unverified;
pub mod wire;

/// The API version every CAMS operation uses (`x-acs-version`).
pub const API_VERSION: &str = "2020-06-06";

pub(crate) use provider::Cams;
