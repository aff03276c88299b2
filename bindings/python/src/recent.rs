//! The short strings a page built most recently, so that a value repeated through a page's
//! records (the business number, a channel, a status, a template's name and language, a
//! timestamp to the second) becomes one shared Python `str`, built and later freed once,
//! not once per record. Python's `str` is immutable: sharing one is invisible but to `is`.

use std::cell::RefCell;
use std::hash::BuildHasher;

use pyo3::prelude::*;
use pyo3::types::PyString;

/// How many strings are remembered: each in the slot its hash picks, replacing the one there.
const SLOTS: usize = 256;

/// Strings longer than this (in UTF-8 bytes) are built each time: long text rarely repeats,
/// and comparing it costs as much as building it.
const LONGEST: usize = 64;

/// A remembered `str` and the hash of its text.
type Slot<'py> = Option<(u64, Bound<'py, PyString>)>;

/// A direct-mapped cache of short `str`s, by their text.
pub struct RecentStrings<'py> {
    hasher: foldhash::fast::FixedState,
    slots: RefCell<Vec<Slot<'py>>>,
}

impl<'py> RecentStrings<'py> {
    /// An empty cache.
    pub fn new() -> Self {
        Self { hasher: foldhash::fast::FixedState::default(), slots: RefCell::new(vec![None; SLOTS]) }
    }

    /// The `str` of `text`: the one built last time `text` came, if it is still remembered.
    pub fn get(&self, py: Python<'py>, text: &str) -> Bound<'py, PyString> {
        if text.len() > LONGEST {
            return PyString::new(py, text);
        }
        let hash = self.hasher.hash_one(text);
        // Below SLOTS after the modulo: the cast loses nothing.
        #[allow(clippy::cast_possible_truncation)]
        let index = (hash % SLOTS as u64) as usize;
        let mut slots = self.slots.borrow_mut();
        if let Some((known, string)) = &slots[index]
            && *known == hash
            && string.to_str().is_ok_and(|held| held == text)
        {
            return string.clone();
        }
        let string = PyString::new(py, text);
        slots[index] = Some((hash, string.clone()));
        string
    }
}
