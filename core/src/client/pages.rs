//! Every page of a listing, read one request ahead ([`Client::pages`]): while its reader
//! turns one page into records, the next is already being asked for, so a walk over a long
//! history costs the slower of the two per page, not their sum. What every binding's walk
//! (`iter_*`, `messages()` / `templates()`, `messagePages` / `templatePages`) goes through.
//!
//! Reading ahead asks for nothing a walk to the end would not ask for: the next page is asked
//! for only once the page before says there is one. A reader that stops early has had one
//! page more asked for it (a read, paced like the others); dropping [`Pages`] aborts it.

use std::future::Future;

use tokio::sync::Mutex;
use tokio::task::JoinHandle;

use super::Client;
use crate::error::{Error, ErrorCode};
use crate::ops::{HistoryPage, HistoryQuery, Query, TemplatePage, TemplateQuery};
use crate::runtime::Aborting;

/// A listing a walk follows page by page: the query of one page, what that page is, and the
/// query of the page after it.
pub trait Listing: Clone + Send + Sync + 'static {
    /// One page of the listing.
    type Page: Send + 'static;

    /// Asks `client` for this page.
    fn ask(self, client: Client) -> impl Future<Output = Result<Self::Page, Error>> + Send;

    /// The query of the page after `page` (this query's answer), `None` on the last.
    fn after(&self, page: &Self::Page) -> Option<Self>;
}

impl Listing for HistoryQuery {
    type Page = HistoryPage;

    async fn ask(self, client: Client) -> Result<HistoryPage, Error> {
        client.list_messages(&self).await
    }

    fn after(&self, page: &HistoryPage) -> Option<Self> {
        page.next_page.map(|next| Self { page: Some(next), ..self.clone() })
    }
}

impl Listing for TemplateQuery {
    type Page = TemplatePage;

    async fn ask(self, client: Client) -> Result<TemplatePage, Error> {
        client.list_templates(&self).await
    }

    fn after(&self, page: &TemplatePage) -> Option<Self> {
        page.next_query(self)
    }
}

/// The pages of one listing ([`Client::pages`]), the next one asked for as soon as the one
/// before has come.
pub struct Pages<L: Listing> {
    client: Client,
    /// Locked by one [`Pages::next`] at a time (from any thread: bindings share a walk).
    next: Mutex<Next<L>>,
}

/// What comes next.
enum Next<L: Listing> {
    /// The first page, asked for when it is first wanted.
    Query(L),
    /// A page being asked for.
    Asked(JoinHandle<Result<Answered<L>, Error>>),
    /// The last page came, or an error ended the walk.
    Done,
}

impl Client {
    /// The pages of `query` (a [`HistoryQuery`] or a [`TemplateQuery`]), from the page it asks
    /// for to the last, each asked for while the reader reads the one before.
    pub fn pages<L: Listing>(&self, query: L) -> Pages<L> {
        Pages { client: self.clone(), next: Mutex::new(Next::Query(query)) }
    }

    /// [`Client::pages`] of `query` with each page as [`Client::answer`] gives it (its
    /// JSON), for the bindings that build records from JSON. A query that is not a listing
    /// is [`ErrorCode::InvalidParameter`].
    pub fn json_pages(&self, query: Query) -> Result<JsonPages, Error> {
        match query {
            Query::History(query) => Ok(JsonPages::History(self.pages(query))),
            Query::Templates(query) => Ok(JsonPages::Templates(self.pages(query))),
            _ => Err(Error::new(
                ErrorCode::InvalidParameter,
                "only the message history and the template list have pages".to_owned(),
            )),
        }
    }
}

/// A page, and the query of the page after it.
type Answered<L> = (<L as Listing>::Page, Option<L>);

/// One page of `query` from `client`, and the query of the page after it.
async fn page<L: Listing>(client: Client, query: L) -> Result<Answered<L>, Error> {
    let page = query.clone().ask(client).await?;
    let after = query.after(&page);
    Ok((page, after))
}

impl<L: Listing> Pages<L> {
    /// The next page, `None` after the last. The page after it is asked for before this
    /// returns; an error, or dropping this call's future, ends the walk (the next call gives
    /// `None`). Call it inside the chatlane runtime (or the host's tokio runtime), where the
    /// read-ahead runs.
    pub async fn next(&self) -> Result<Option<L::Page>, Error> {
        let mut next = self.next.lock().await;
        let (current, after) = match std::mem::replace(&mut *next, Next::Done) {
            Next::Query(query) => page(self.client.clone(), query).await,
            // Dropped while waiting (a cancelled call), it aborts the page: the walk is over.
            Next::Asked(asked) => match Aborting(asked).await {
                Ok(answered) => answered,
                Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
                Err(join) => Err(Error::new(ErrorCode::Internal, format!("the page's task was cancelled: {join}"))),
            },
            Next::Done => return Ok(None),
        }?;
        if let Some(query) = after {
            *next = Next::Asked(tokio::spawn(page(self.client.clone(), query)));
        }
        Ok(Some(current))
    }
}

impl<L: Listing> Drop for Pages<L> {
    /// Aborts the page being asked for ahead, if any.
    fn drop(&mut self) {
        if let Next::Asked(asked) = self.next.get_mut() {
            asked.abort();
        }
    }
}

/// A walk whose pages come as JSON ([`Client::json_pages`]).
pub enum JsonPages {
    /// Message history.
    History(Pages<HistoryQuery>),
    /// Templates.
    Templates(Pages<TemplateQuery>),
}

impl JsonPages {
    /// The next page's JSON, `None` after the last, as [`Pages::next`].
    pub async fn next(&self) -> Result<Option<String>, Error> {
        let json = match self {
            Self::History(pages) => pages.next().await?.map(|page| serde_json::to_string(&page)),
            Self::Templates(pages) => pages.next().await?.map(|page| serde_json::to_string(&page)),
        };
        Ok(json.map(|json| json.expect("records serialise to JSON")))
    }
}
