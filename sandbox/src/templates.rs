//! The template registry at run time: seeded from the configuration's `templates`, changed by
//! `CreateChatappTemplate`, `ModifyChatappTemplate` and `DeleteChatappTemplate`
//! ([`crate::templates_admin`]); sends, `ListChatappTemplate` and `GetChatappTemplateDetail`
//! ([`crate::registry`]) read it.
//!
//! A created or modified template is `auditing` until the review time (`templateReviewMs`,
//! default 1 s) has passed, then `pass` [UNVERIFIED: Meta's reviews take minutes to a day and
//! can fail; the sandbox always approves].

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::config::TemplateDef;

/// The shared registry.
#[derive(Debug)]
pub struct Templates {
    catalog: Mutex<Catalog>,
    review: Duration,
}

impl Templates {
    /// A registry holding `seed`, where reviews take `review`.
    pub fn new(seed: &[TemplateDef], review: Duration) -> Self {
        let templates =
            seed.iter().map(|def| Template { def: def.clone(), updated_ms: 0, review_until: None }).collect();
        Self { catalog: Mutex::new(Catalog { templates, checked: !seed.is_empty() }), review }
    }

    /// The registry as of now (reviews that are over concluded); held until the guard drops.
    pub fn lock(&self) -> MutexGuard<'_, Catalog> {
        let mut catalog = self.catalog.lock().unwrap_or_else(PoisonError::into_inner);
        catalog.conclude_reviews(Instant::now());
        catalog
    }

    /// How long a review takes.
    pub fn review(&self) -> Duration {
        self.review
    }
}

/// Every template, oldest first.
#[derive(Debug, Default)]
pub struct Catalog {
    templates: Vec<Template>,
    checked: bool,
}

/// One template in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// What it is.
    pub def: TemplateDef,
    /// When it was last created or modified, in ms since the epoch (0 when configured).
    pub updated_ms: u64,
    review_until: Option<Instant>,
}

impl Template {
    /// A template submitted for review at `updated_ms`, `auditing` until `review_until`.
    pub fn submitted(mut def: TemplateDef, updated_ms: u64, review_until: Instant) -> Self {
        "auditing".clone_into(&mut def.audit_status);
        Self { def, updated_ms, review_until: Some(review_until) }
    }
}

impl Catalog {
    /// Whether sends are checked against the registry: templates were configured or created
    /// (deleting them all does not make the sandbox permissive again).
    pub fn is_checked(&self) -> bool {
        self.checked
    }

    /// Every template, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.templates.iter()
    }

    /// The template with this code or name, in this language.
    pub fn find(&self, code: Option<&str>, name: Option<&str>, language: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.def.language == language && t.def.is(code, name))
    }

    /// The template with this code or name, in this language, to change.
    pub fn find_mut(&mut self, code: Option<&str>, name: Option<&str>, language: &str) -> Option<&mut Template> {
        self.templates.iter_mut().find(|t| t.def.language == language && t.def.is(code, name))
    }

    /// Adds a template; from now on sends are checked.
    pub fn add(&mut self, template: Template) {
        self.templates.push(template);
        self.checked = true;
    }

    /// Removes the template of kind `kind` (`WHATSAPP`, `VIBER`) with this code or name, in
    /// `language` or in every language; how many were removed.
    pub fn remove(&mut self, kind: &str, code: Option<&str>, name: Option<&str>, language: Option<&str>) -> usize {
        let before = self.templates.len();
        let matches = |t: &Template| {
            t.def.template_type == kind && t.def.is(code, name) && language.is_none_or(|l| l == t.def.language)
        };
        self.templates.retain(|t| !matches(t));
        before - self.templates.len()
    }

    fn conclude_reviews(&mut self, now: Instant) {
        for template in &mut self.templates {
            if template.review_until.is_some_and(|until| until <= now) {
                template.review_until = None;
                "pass".clone_into(&mut template.def.audit_status);
            }
        }
    }
}

impl TemplateDef {
    /// Whether this template has the code or the name given.
    fn is(&self, code: Option<&str>, name: Option<&str>) -> bool {
        code.is_some_and(|c| c == self.code) || name.is_some_and(|n| n == self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(code: &str, name: &str, language: &str) -> TemplateDef {
        serde_json::from_value(serde_json::json!({"code": code, "name": name, "language": language})).unwrap()
    }

    #[test]
    fn lookups_by_code_or_name_and_language() {
        let templates = Templates::new(&[def("C1", "order", "en"), def("C1", "order", "fr")], Duration::ZERO);
        let catalog = templates.lock();
        assert!(catalog.is_checked());
        assert_eq!(catalog.find(None, Some("order"), "fr").map(|t| t.def.language.as_str()), Some("fr"));
        assert_eq!(
            catalog.find(Some("C1"), None, "en").map(|t| (t.def.audit_status.as_str(), t.updated_ms)),
            Some(("pass", 0))
        );
        assert!(catalog.find(Some("C1"), None, "de").is_none());
        assert!(!Templates::new(&[], Duration::ZERO).lock().is_checked());
    }

    #[test]
    fn submitted_templates_pass_once_reviewed_and_removal_is_per_language_or_all() {
        let templates = Templates::new(&[], Duration::from_secs(60));
        let mut catalog = templates.lock();
        catalog.add(Template::submitted(def("C2", "promo", "en"), 7, Instant::now() + templates.review()));
        catalog.add(Template::submitted(def("C2", "promo", "fr"), 7, Instant::now()));
        assert!(catalog.is_checked());
        catalog.conclude_reviews(Instant::now());
        let status =
            |catalog: &Catalog, language| catalog.find(Some("C2"), None, language).unwrap().def.audit_status.clone();
        assert_eq!((status(&catalog, "en"), status(&catalog, "fr")), ("auditing".to_owned(), "pass".to_owned()));
        catalog.conclude_reviews(Instant::now() + Duration::from_secs(60));
        assert_eq!(status(&catalog, "en"), "pass");
        assert_eq!(catalog.remove("VIBER", Some("C2"), None, None), 0, "another kind");
        assert_eq!(catalog.remove("WHATSAPP", None, Some("promo"), Some("fr")), 1);
        assert_eq!(catalog.remove("WHATSAPP", Some("C2"), None, None), 1);
        assert_eq!(catalog.remove("WHATSAPP", Some("C2"), None, None), 0);
        assert!(catalog.is_checked(), "still checked once emptied");
    }
}
