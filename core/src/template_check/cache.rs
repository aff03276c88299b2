//! The templates a client checks sends against, each fetched once per time-to-live.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, ErrorCode};
use crate::ops::{TemplateDetail, TemplateRef};

/// Templates by code (or name), language and channel instance, each kept for the cache's
/// time-to-live after it was fetched. A template the provider does not know is remembered as
/// absent for as long. Concurrent sends of one template wait for a single fetch.
#[derive(Debug)]
pub struct TemplateCache {
    ttl: Duration,
    slots: Mutex<HashMap<TemplateRef, Arc<tokio::sync::Mutex<Option<Slot>>>>>,
}

/// One fetched template, or its absence.
#[derive(Debug)]
struct Slot {
    fetched: Instant,
    detail: Option<Arc<TemplateDetail>>,
}

impl TemplateCache {
    /// An empty cache keeping each template `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, slots: Mutex::default() }
    }

    /// The template `template` names (`None`: the provider has none), from the cache while it
    /// is fresh, else from `fetch`, whose [`ErrorCode::TemplateNotFound`] means absent and any
    /// other error is returned (and nothing cached).
    pub async fn get<F, Fut>(&self, template: &TemplateRef, fetch: F) -> Result<Option<Arc<TemplateDetail>>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<TemplateDetail, Error>>,
    {
        let slot =
            Arc::clone(self.slots.lock().unwrap_or_else(PoisonError::into_inner).entry(template.clone()).or_default());
        let mut slot = slot.lock().await;
        if let Some(fresh) = slot.as_ref().filter(|slot| slot.fetched.elapsed() < self.ttl) {
            return Ok(fresh.detail.clone());
        }
        let detail = match fetch().await {
            Ok(detail) => Some(Arc::new(detail)),
            Err(error) if error.code() == ErrorCode::TemplateNotFound => None,
            Err(error) => return Err(error),
        };
        *slot = Some(Slot { fetched: Instant::now(), detail: detail.clone() });
        Ok(detail)
    }

    /// Drops what is kept of the template with code `code` or name `name`, in every language,
    /// so that its next send fetches it again: after it was created, changed or deleted.
    pub fn forget(&self, code: Option<&str>, name: Option<&str>) {
        let is = |kept: &Option<String>, given: Option<&str>| given.is_some_and(|g| kept.as_deref() == Some(g));
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        slots.retain(|template, _| !is(&template.code, code) && !is(&template.name, name));
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn detail(code: &str) -> TemplateDetail {
        TemplateDetail {
            code: code.into(),
            name: "n".into(),
            language: "en".into(),
            audit_status: "pass".into(),
            allow_send: true,
            category: None,
            template_type: None,
            reason: None,
            quality_score: None,
            message_send_ttl_seconds: None,
            example: HashMap::new(),
            components: Vec::new(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_template_is_fetched_once_per_ttl_and_absence_is_remembered() {
        let cache = TemplateCache::new(Duration::from_secs(60));
        let fetches = AtomicU32::new(0);
        let fetch = |code: &'static str| {
            let fetches = &fetches;
            move || async move {
                fetches.fetch_add(1, Ordering::SeqCst);
                if code == "gone" { Err(Error::new(ErrorCode::TemplateNotFound, "no")) } else { Ok(detail(code)) }
            }
        };
        let (c1, gone) = (TemplateRef::code("c1", "en"), TemplateRef::code("gone", "en"));
        assert_eq!(cache.get(&c1, fetch("c1")).await.unwrap().unwrap().code, "c1");
        assert!(cache.get(&c1, fetch("c1")).await.unwrap().is_some());
        assert!(cache.get(&gone, fetch("gone")).await.unwrap().is_none());
        assert!(cache.get(&gone, fetch("gone")).await.unwrap().is_none());
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
        tokio::time::advance(Duration::from_secs(61)).await;
        cache.get(&c1, fetch("c1")).await.unwrap();
        assert_eq!(fetches.load(Ordering::SeqCst), 3, "fetched again after the ttl");
    }

    #[tokio::test(start_paused = true)]
    async fn a_forgotten_template_is_fetched_again_in_every_language() {
        let cache = TemplateCache::new(Duration::from_secs(60));
        let fetches = AtomicU32::new(0);
        let fetch = || async {
            fetches.fetch_add(1, Ordering::SeqCst);
            Err(Error::new(ErrorCode::TemplateNotFound, "not yet"))
        };
        let by_name = TemplateRef { code: None, name: Some("order".into()), ..TemplateRef::code("", "fr") };
        for template in [TemplateRef::code("c1", "en"), by_name.clone(), TemplateRef::code("c2", "en")] {
            assert!(cache.get(&template, fetch).await.unwrap().is_none());
        }
        cache.forget(Some("c1"), Some("order"));
        assert!(cache.get(&TemplateRef::code("c2", "en"), fetch).await.unwrap().is_none());
        assert_eq!(fetches.load(Ordering::SeqCst), 3, "c2 is still kept");
        assert!(cache.get(&TemplateRef::code("c1", "en"), || async { Ok(detail("c1")) }).await.unwrap().is_some());
        assert!(cache.get(&by_name, || async { Ok(detail("c9")) }).await.unwrap().is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_fetch_is_returned_and_not_cached() {
        let cache = TemplateCache::new(Duration::from_secs(60));
        let c1 = TemplateRef::code("c1", "en");
        let down = cache.get(&c1, || async { Err(Error::new(ErrorCode::Server, "down")) }).await;
        assert_eq!(down.unwrap_err().code(), ErrorCode::Server);
        assert!(cache.get(&c1, || async { Ok(detail("c1")) }).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn concurrent_sends_of_one_template_share_one_fetch() {
        let cache = Arc::new(TemplateCache::new(Duration::from_secs(60)));
        let fetches = Arc::new(AtomicU32::new(0));
        let gets = (0..20).map(|_| {
            let (cache, fetches) = (Arc::clone(&cache), Arc::clone(&fetches));
            tokio::spawn(async move {
                let fetch = || async move {
                    fetches.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    Ok(detail("c1"))
                };
                cache.get(&TemplateRef::code("c1", "en"), fetch).await.unwrap()
            })
        });
        for get in gets {
            assert!(get.await.unwrap().is_some());
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }
}
