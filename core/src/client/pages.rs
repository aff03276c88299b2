//! Every page of a listing, read one request ahead ([`Client::pages`]): while its reader
//! turns one page into records, the next is already being asked for, so a walk over a long
//! history costs the slower of the two per page, not their sum. What the bindings' `iter_*`
//! and `messages()` / `templates()` walk.
//!
//! Reading ahead asks for nothing a walk to the end would not ask for: the next page is asked
//! for only once the page before says there is one. A reader that stops early has had one
//! page more asked for it (a read, paced like the others); dropping [`Pages`] aborts it.

use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use super::Client;
use crate::error::{Error, ErrorCode};
use crate::ops::{HistoryQuery, Query, TemplateQuery};
use crate::runtime::Aborting;

/// The pages of one listing ([`Client::pages`]), each as [`Client::answer`] gives it (its
/// JSON), the next one asked for as soon as the one before has come.
pub struct Pages {
    client: Client,
    /// Locked by one [`Pages::next`] at a time (from any thread: bindings share a walk).
    next: Mutex<Next>,
}

/// A listing's query.
enum Listing {
    History(HistoryQuery),
    Templates(TemplateQuery),
}

/// What comes next.
enum Next {
    /// The first page, asked for when it is first wanted.
    Query(Listing),
    /// A page being asked for.
    Asked(JoinHandle<Result<Page, Error>>),
    /// The last page came, or an error ended the walk.
    Done,
}

/// A page's answer, and the query of the page after it.
struct Page {
    json: String,
    next: Option<Listing>,
}

impl Client {
    /// The pages of `query`, a listing (message history or templates), from the page it asks
    /// for to the last, each asked for while the reader reads the one before. Another query
    /// is [`ErrorCode::InvalidParameter`].
    pub fn pages(&self, query: Query) -> Result<Pages, Error> {
        let listing = match query {
            Query::History(query) => Listing::History(query),
            Query::Templates(query) => Listing::Templates(query),
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidParameter,
                    "only the message history and the template list have pages".to_owned(),
                ));
            }
        };
        Ok(Pages { client: self.clone(), next: Mutex::new(Next::Query(listing)) })
    }

    /// One page of `listing` in JSON, and the query of the page after it.
    async fn page(&self, listing: Listing) -> Result<Page, Error> {
        let (page, next) = match &listing {
            Listing::History(query) => {
                let page = self.list_messages(query).await?;
                let next =
                    page.next_page.map(|page| Listing::History(HistoryQuery { page: Some(page), ..query.clone() }));
                (serde_json::to_string(&page), next)
            }
            Listing::Templates(query) => {
                let page = self.list_templates(query).await?;
                (serde_json::to_string(&page), page.next_query(query).map(Listing::Templates))
            }
        };
        Ok(Page { json: page.expect("records serialise to JSON"), next })
    }
}

impl Pages {
    /// The next page's JSON, `None` after the last. The page after it is asked for before
    /// this returns; an error, or dropping this call's future, ends the walk (the next call
    /// gives `None`). Call it inside the chatlane runtime (or the host's tokio runtime),
    /// where the read-ahead runs.
    pub async fn next(&self) -> Result<Option<String>, Error> {
        let mut next = self.next.lock().await;
        let page = match std::mem::replace(&mut *next, Next::Done) {
            Next::Query(query) => self.client.page(query).await,
            // Dropped while waiting (a cancelled call), it aborts the page: the walk is over.
            Next::Asked(asked) => match Aborting(asked).await {
                Ok(page) => page,
                Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
                Err(join) => Err(Error::new(ErrorCode::Internal, format!("the page's task was cancelled: {join}"))),
            },
            Next::Done => return Ok(None),
        }?;
        if let Some(query) = page.next {
            let client = self.client.clone();
            *next = Next::Asked(tokio::spawn(async move { client.page(query).await }));
        }
        Ok(Some(page.json))
    }
}

impl Drop for Pages {
    /// Aborts the page being asked for ahead, if any.
    fn drop(&mut self) {
        if let Next::Asked(asked) = self.next.get_mut() {
            asked.abort();
        }
    }
}
