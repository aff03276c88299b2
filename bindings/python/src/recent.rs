//! The short strings a page has built, so that a value repeated through a page's records (the
//! business number, a channel, a status, a template's name and language, a timestamp to the
//! second) becomes one shared Python `str`, built and later freed once, not once per record.
//! Python's `str` is immutable: sharing one is invisible but to `is`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasher;

use pyo3::prelude::*;
use pyo3::types::PyString;

/// Strings longer than this (in UTF-8 bytes) are built each time: long text rarely repeats,
/// and comparing it costs as much as building it.
const LONGEST: usize = 64;

/// The most strings remembered: past it the cache starts again empty (a page of 100 records
/// has a few hundred distinct short strings).
const MOST: usize = 4096;

/// A cache of short `str`s, by the hash of their text (the text compared on a hit).
pub struct RecentStrings<'py> {
    hasher: foldhash::fast::FixedState,
    strings: RefCell<HashMap<u64, Bound<'py, PyString>, foldhash::fast::FixedState>>,
}

impl<'py> RecentStrings<'py> {
    /// An empty cache.
    pub fn new() -> Self {
        let hasher = foldhash::fast::FixedState::default();
        Self { hasher: hasher.clone(), strings: RefCell::new(HashMap::with_hasher(hasher)) }
    }

    /// The `str` of `text`: the one built the last time `text` came, if any.
    pub fn get(&self, py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        if text.len() > LONGEST {
            return PyString::new(py, text);
        }
        let hash = self.hasher.hash_one(text);
        let mut strings = self.strings.borrow_mut();
        if let Some(string) = strings.get(&hash)
            && string.to_str().is_ok_and(|held| held == text)
        {
            return string.clone();
        }
        if strings.len() >= MOST {
            strings.clear();
        }
        let string = PyString::new(py, text);
        strings.insert(hash, string.clone());
        string
    }
}
