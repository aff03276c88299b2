//! Operations beyond sending, the same for every provider: what a caller asks (queries, in
//! the model's camelCase JSON) and what comes back (typed records), so that a team needs no
//! other SDK to list and manage its templates, read its message history, see its numbers or
//! upload media.
//!
//! Each provider maps these onto its own operations (CAMS: [`crate::cams::ops`]; Meta's
//! templates: [`crate::meta::templates`]) and they run
//! through the same pipeline as sends: pacing at each operation's documented limit, fresh
//! authentication per attempt, typed errors, and retries of what provably had no effect —
//! for reads, also of an answer lost on the way, since asking again changes nothing (never for
//! sends and template writes).

mod history;
mod media;
mod numbers;
mod query;
mod template_admin;
mod templates;

pub use history::{Direction, HistoryPage, HistoryQuery, HistoryRecord};
pub(crate) use media::MediaObject;
pub use media::{
    DownloadedMedia, MAX_MEDIA_BYTES, MediaInfo, MediaRef, MediaSource, MediaUpload, OCTET_STREAM, UploadAuthorization,
    UploadTarget, UploadedMedia, content_type_of,
};
pub use numbers::{PhoneNumber, PhoneNumberQuery};
pub use query::Query;
pub(crate) use query::{json_text, read_query};
pub use template_admin::{
    NewTemplate, SavedTemplate, TEMPLATE_CATEGORIES, TEMPLATE_TYPES, TemplateDeletion, TemplateEdit,
};
pub use templates::{
    TemplateButton, TemplateComponent, TemplateDetail, TemplatePage, TemplateQuery, TemplateRef, TemplateSummary,
};

use crate::error::{Error, ErrorCode};

/// The page after `page` of `page_size` records, when `received` records came back and the
/// listing holds `total` (when the provider says): `None` on the last page.
pub(crate) fn next_page(page: u32, page_size: u32, received: usize, total: Option<u64>) -> Option<u32> {
    let seen = u64::from(page.saturating_sub(1)) * u64::from(page_size) + received as u64;
    let more = match total {
        Some(total) => seen < total && received > 0,
        None => received >= page_size as usize,
    };
    if more { page.checked_add(1) } else { None }
}

/// Checks a query's page: numbered from 1, 1–1,000 records.
pub(crate) fn check_page(page: u32, page_size: u32) -> Result<(), Error> {
    if page == 0 {
        return Err(invalid("page", "pages are numbered from 1"));
    }
    if !(1..=1000).contains(&page_size) {
        return Err(invalid("pageSize", format!("must be 1 to 1000, not {page_size}")));
    }
    Ok(())
}

/// An [`ErrorCode::InvalidParameter`] error about the query field `field`.
pub(crate) fn invalid(field: &str, problem: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::InvalidParameter, format!("{field}: {problem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_follows_the_total_or_a_full_page() {
        assert_eq!(next_page(1, 10, 10, Some(25)), Some(2));
        assert_eq!(next_page(3, 10, 5, Some(25)), None);
        assert_eq!(next_page(2, 10, 10, Some(20)), None, "exactly the total");
        assert_eq!(next_page(1, 10, 0, Some(5)), None, "an empty page ends even a wrong total");
        assert_eq!(next_page(1, 10, 10, None), Some(2), "a full page may have a next");
        assert_eq!(next_page(4, 10, 9, None), None);
        assert_eq!(next_page(u32::MAX, 10, 10, None), None, "no page after the last number");
    }

    #[test]
    fn pages_are_checked() {
        assert!(check_page(1, 1).is_ok() && check_page(7, 1000).is_ok());
        for (page, size) in [(0, 10), (1, 0), (1, 1001)] {
            assert_eq!(check_page(page, size).unwrap_err().code(), ErrorCode::InvalidParameter);
        }
    }
}
