//! The `Page` parameter of CAMS's list operations: JSON `{"Index":n,"Size":m}`, both counted
//! from 1; anything else is `InvalidParameter.PageInvalid`.

use serde_json::Value;

use crate::send::Refusal;

/// Code for a `Page` that is not `{"Index":n,"Size":m}` with both at least 1.
pub const PAGE_INVALID: &str = "InvalidParameter.PageInvalid";

/// One page of a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    /// The page number, from 1.
    pub index: u64,
    /// Items per page, from 1.
    pub size: u64,
}

impl Page {
    /// Reads a `Page` parameter's value.
    pub fn parse(text: &str) -> Result<Self, Refusal> {
        let invalid = |message: &str| Refusal::Business(PAGE_INVALID, message.to_owned());
        let page: Value = serde_json::from_str(text).map_err(|_| invalid("Page must be {\"Index\":n,\"Size\":m}."))?;
        let (Some(index), Some(size)) = (page["Index"].as_u64(), page["Size"].as_u64()) else {
            return Err(invalid("Page needs Index and Size."));
        };
        if index == 0 || size == 0 {
            return Err(invalid("Index and Size start at 1."));
        }
        Ok(Self { index, size })
    }

    /// The items of this page.
    pub fn of<T>(self, items: impl IntoIterator<Item = T>) -> impl Iterator<Item = T> {
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        let start = usize::try_from(self.index - 1).unwrap_or(usize::MAX).saturating_mul(size);
        items.into_iter().skip(start).take(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_count_from_one() {
        let page = Page::parse(r#"{"Index":2,"Size":3}"#).unwrap();
        assert_eq!(page.of(1..=8).collect::<Vec<_>>(), [4, 5, 6]);
        assert_eq!(Page { index: 3, size: 3 }.of(1..=8).collect::<Vec<_>>(), [7, 8]);
        assert_eq!(Page { index: 4, size: 3 }.of(1..=8).count(), 0);
        for bad in ["", "{}", r#"{"Index":1}"#, r#"{"Index":0,"Size":1}"#, r#"{"Index":1,"Size":-1}"#] {
            assert!(matches!(Page::parse(bad), Err(Refusal::Business(PAGE_INVALID, _))), "{bad}");
        }
    }
}
