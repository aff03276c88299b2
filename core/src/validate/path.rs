//! Field paths built on the stack and rendered only when a violation is reported, so a
//! valid message costs no allocation.

use std::fmt::{self, Write};

/// A position in the message: the root, a named field of a parent, or an item of a list.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Path<'a> {
    Root,
    Field(&'a Path<'a>, &'static str),
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// The field `name` under this position.
    pub(crate) fn field(&'a self, name: &'static str) -> Path<'a> {
        Path::Field(self, name)
    }

    /// Item `index` of the list at this position.
    pub(crate) fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => {
                parent.fmt(f)?;
                f.write_char('.')?;
                f.write_str(name)
            }
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_dotted_paths_with_indexes() {
        let root = Path::Root;
        let content = root.field("content");
        let action = content.field("action");
        let sections = action.field("sections");
        let section = sections.index(1);
        let rows = section.field("rows");
        let row = rows.index(3);
        assert_eq!(row.field("title").to_string(), "content.action.sections[1].rows[3].title");
        assert_eq!(root.field("recipients").index(0).to_string(), "recipients[0]");
    }
}
