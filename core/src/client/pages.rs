//! Every page of a listing, read ahead ([`Client::pages`]): one task asks for the pages one
//! after the other, each as soon as the page before says there is one, while the reader turns
//! earlier pages into records. The task does no more than it must to know the next page (a
//! CAMS history answer's records are counted, not read: [`Listing::after`]); the records are
//! read ([`Listing::read`]) by whichever of the two is idle: the reader when it is waiting for
//! the page, the task when the reader is still busy. A walk over a long history costs the
//! slower of the two per page, not their sum, and no page waits for the reader's thread to
//! wake up before it is asked for.
//!
//! Reading ahead asks for nothing a walk to the end would not ask for: a page is asked for
//! only once the page before says there is one. A reader that stops early has had at most two
//! pages more asked for it (reads, paced like the others: one waiting for the reader, one on
//! its way); dropping [`Pages`], or a [`Pages::next`] call before it returns, stops the task.

use std::future::Future;

use serde::Serialize;
use tokio::sync::{Mutex, mpsc};

use super::Client;
use super::ops::HistoryAnswer;
use crate::error::{Error, ErrorCode};
use crate::ops::{HistoryPage, HistoryQuery, Query, TemplatePage, TemplateQuery};
use crate::runtime::Aborting;

/// A listing a walk follows page by page: the query of one page, what that page is, and the
/// query of the page after it.
pub trait Listing: Clone + Send + Sync + 'static {
    /// One page of the listing.
    type Page: Send + 'static;
    /// A page as the walk's task gets it: enough to know the query of the page after it,
    /// read into the [`Listing::Page`] ([`Listing::read`]) by the reader when it is waiting,
    /// so the task goes on to the next page sooner.
    type Answer: Send + 'static;

    /// Asks `client` for this page.
    fn ask(self, client: Client) -> impl Future<Output = Result<Self::Answer, Error>> + Send;

    /// The query of the page after `answer` (this query's), `None` on the last.
    fn after(&self, answer: &Self::Answer) -> Option<Self>;

    /// The page `answer` (this query's) is.
    fn read(&self, answer: Self::Answer) -> Result<Self::Page, Error>;
}

impl Listing for HistoryQuery {
    type Page = HistoryPage;
    type Answer = HistoryAnswer;

    async fn ask(self, client: Client) -> Result<HistoryAnswer, Error> {
        client.history_answer(&self).await
    }

    /// From CAMS's answer with its records counted, not read.
    fn after(&self, answer: &HistoryAnswer) -> Option<Self> {
        answer.next_page(self).map(|next| Self { page: Some(next), ..self.clone() })
    }

    fn read(&self, answer: HistoryAnswer) -> Result<HistoryPage, Error> {
        answer.read(self)
    }
}

impl Listing for TemplateQuery {
    type Page = TemplatePage;
    type Answer = TemplatePage;

    async fn ask(self, client: Client) -> Result<TemplatePage, Error> {
        client.list_templates(&self).await
    }

    fn after(&self, page: &TemplatePage) -> Option<Self> {
        page.next_query(self)
    }

    fn read(&self, page: TemplatePage) -> Result<TemplatePage, Error> {
        Ok(page)
    }
}

/// The pages of one listing ([`Client::pages`]), asked for ahead of the reader.
pub struct Pages<L: Listing> {
    client: Client,
    /// Locked by one [`Pages::next`] at a time (from any thread: bindings share a walk).
    state: Mutex<State<L>>,
}

/// Where a walk is.
enum State<L: Listing> {
    /// Not started: the first page's query, asked for when the first page is wanted.
    Query(L),
    /// The pages' task is running, or has ended and left its last pages to read.
    Walking(Walk<L>),
    /// The last page was read, or an error or a cancelled call ended the walk.
    Done,
}

/// The task asking for the pages, and the pages it has had (one at most waits there).
struct Walk<L: Listing> {
    pages: mpsc::Receiver<Result<Fetched<L>, Error>>,
    task: Aborting<()>,
}

/// A page the task has had: read already, or left for the reader to read.
enum Fetched<L: Listing> {
    /// Read by the task, which had to wait for the reader anyway.
    Read(L::Page),
    /// Its query and answer, for the reader to read ([`Listing::read`]).
    Unread(L, L::Answer),
}

impl Client {
    /// The pages of `query` (a [`HistoryQuery`] or a [`TemplateQuery`]), from the page it asks
    /// for to the last, asked for ahead of the reader.
    pub fn pages<L: Listing>(&self, query: L) -> Pages<L> {
        Pages { client: self.clone(), state: Mutex::new(State::Query(query)) }
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

/// Asks `client` for the page of `query` and each one after it, handing each page (or the
/// error that ends the walk) to `pages`, which holds one: the next is asked for while it
/// waits. A page is handed over unread when the reader is waiting for it (it reads it while
/// this task asks for the next), and read here first when the reader is busy (this task would
/// only wait): the reading goes to whichever side is idle.
async fn walk<L: Listing>(client: Client, mut query: L, pages: mpsc::Sender<Result<Fetched<L>, Error>>) {
    loop {
        let (answered, after) = match query.clone().ask(client.clone()).await {
            Ok(answer) => {
                let after = query.after(&answer);
                (Ok((query.clone(), answer)), after)
            }
            Err(error) => (Err(error), None),
        };
        let fetched = match pages.try_reserve() {
            Ok(room) => {
                room.send(answered.map(|(query, answer)| Fetched::Unread(query, answer)));
                Ok(())
            }
            Err(mpsc::error::TrySendError::Full(())) => {
                let read = answered.and_then(|(query, answer)| query.read(answer)).map(Fetched::Read);
                let failed = read.is_err();
                match pages.send(read).await {
                    Ok(()) if !failed => Ok(()),
                    _ => Err(()),
                }
            }
            Err(mpsc::error::TrySendError::Closed(())) => Err(()),
        };
        if fetched.is_err() {
            return;
        }
        match after {
            Some(next) => query = next,
            None => return,
        }
    }
}

impl<L: Listing> Pages<L> {
    /// The next page, `None` after the last. The first call starts the task that asks for
    /// the pages; an error, or dropping this call's future, ends the walk (the next call
    /// gives `None`). Call it inside the chatlane runtime (or the host's tokio runtime),
    /// where the task runs.
    pub async fn next(&self) -> Result<Option<L::Page>, Error> {
        let mut state = self.state.lock().await;
        // Held by this call while it waits: dropping the call drops it, which stops the task.
        let mut walk = match std::mem::replace(&mut *state, State::Done) {
            State::Query(query) => {
                let (pages, receiver) = mpsc::channel(1);
                Walk { pages: receiver, task: Aborting(tokio::spawn(walk(self.client.clone(), query, pages))) }
            }
            State::Walking(walk) => walk,
            State::Done => return Ok(None),
        };
        match walk.pages.recv().await {
            Some(Ok(fetched)) => {
                let page = match fetched {
                    Fetched::Read(page) => page,
                    Fetched::Unread(query, answer) => query.read(answer)?,
                };
                *state = State::Walking(walk);
                Ok(Some(page))
            }
            Some(Err(error)) => Err(error),
            // The task has ended, after the last page or by a panic.
            None => match (&mut walk.task).await {
                Ok(()) => Ok(None),
                Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
                Err(join) => Err(Error::new(ErrorCode::Internal, format!("the pages' task was cancelled: {join}"))),
            },
        }
    }
}

/// A walk whose pages come as JSON, or as [`ListingPage`]s ([`Client::json_pages`]).
pub enum JsonPages {
    /// Message history.
    History(Pages<HistoryQuery>),
    /// Templates.
    Templates(Pages<TemplateQuery>),
}

/// One page of a [`JsonPages`] walk, typed; serialized, it is the JSON [`JsonPages::next`]
/// gives (for the bindings that build records from the core's values instead).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum ListingPage {
    /// A page of message history.
    History(HistoryPage),
    /// A page of templates.
    Templates(TemplatePage),
}

impl JsonPages {
    /// The next page, `None` after the last, as [`Pages::next`].
    pub async fn next_page(&self) -> Result<Option<ListingPage>, Error> {
        Ok(match self {
            Self::History(pages) => pages.next().await?.map(ListingPage::History),
            Self::Templates(pages) => pages.next().await?.map(ListingPage::Templates),
        })
    }

    /// The next page's JSON, `None` after the last, as [`Pages::next`].
    pub async fn next(&self) -> Result<Option<String>, Error> {
        let page = self.next_page().await?;
        Ok(page.map(|page| serde_json::to_string(&page).expect("records serialise to JSON")))
    }
}
