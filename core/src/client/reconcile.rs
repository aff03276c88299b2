//! The client's half of reconciling sends of unknown outcome ([`crate::reconcile`]): reading
//! history for proof of absence, and re-sending — once — what was proven absent.

use std::sync::Arc;

use super::Client;
use crate::SendReceipt;
use crate::error::{Error, ErrorCode};
use crate::ops::HistoryRecord;
use crate::options::SendOptions;
use crate::provider::{OutgoingRef, ProviderKind};
use crate::reconcile::{Evidence, ReconcilePolicy, history_query, judge, settled};
use crate::store::{self, EventStore, SendRecord, SendState};

impl Client {
    /// Resolves the sends of unknown outcome recorded in this client's `event_store`: each
    /// one a receipt has not resolved yet is looked up in the provider's history and, when
    /// [`judge`] finds nothing that could be it, marked [`SendState::Absent`] (ready to send
    /// again once with [`SendOptions::resend`]). Returns every send that was unknown, with the state it has now.
    /// Meta keeps no history: its sends stay unknown until a receipt comes. A client without
    /// an event store is [`ErrorCode::InvalidConfig`].
    pub async fn reconcile(&self, policy: &ReconcilePolicy) -> Result<Vec<SendRecord>, Error> {
        let store = self.event_store()?;
        let provider = self.config().provider();
        let unknown = store::blocking({
            let store = Arc::clone(&store);
            move || store.unknown_sends(provider)
        })
        .await?;
        let mut resolved = Vec::with_capacity(unknown.len());
        for mut record in unknown {
            let now = store::now_ms();
            if provider == ProviderKind::Cams && settled(&record, now, policy) {
                let history = self.history(&record, policy).await?;
                if judge(&record, &history, now, policy) == Evidence::Absent {
                    record.state =
                        match self.mark(&store, &record.task_id, SendState::Unknown, SendState::Absent).await? {
                            Ok(()) => SendState::Absent,
                            Err(now) => now,
                        };
                }
            }
            resolved.push(record);
        }
        Ok(resolved)
    }

    /// Sends `outgoing` again under its `task_id` ([`SendOptions::resend`]), which must be that
    /// of a send the event store holds proven absent ([`Client::reconcile`]): the store moves
    /// it to [`SendState::Resent`] first, so no two processes re-send it. A send in any other
    /// state is refused with [`ErrorCode::OutcomeUnknown`] and nothing is sent. When the new
    /// send provably did not go (any error but an unknown outcome), the send is absent again.
    pub(super) async fn resend(&self, outgoing: OutgoingRef<'_>, options: SendOptions) -> Result<SendReceipt, Error> {
        let store = self.event_store()?;
        let OutgoingRef::Message(message) = outgoing else {
            return Err(Error::new(
                ErrorCode::InvalidParameter,
                "resend: a mass send is never recorded, so never re-sent",
            ));
        };
        let Some(task_id) = message.task_id.clone() else {
            return Err(Error::new(
                ErrorCode::InvalidParameter,
                "taskId: a re-send carries the task ID of the send it repeats",
            ));
        };
        if let Err(state) = self.mark(&store, &task_id, SendState::Absent, SendState::Resent).await? {
            let message = format!("the send with TaskId {task_id} is {}, not proven absent: not re-sent", state.name());
            return Err(Error::new(ErrorCode::OutcomeUnknown, message).with_task_id(Some(task_id)));
        }
        let result = self.deliver(outgoing, SendOptions { resend: false, ..options }).await;
        if let Err(error) = &result
            && error.code() != ErrorCode::OutcomeUnknown
        {
            // This call alone moved it to resent; if moving it back fails it stays resent.
            let _back = self.mark(&store, &task_id, SendState::Resent, SendState::Absent).await?;
        }
        result
    }

    /// The client's event store, or [`ErrorCode::InvalidConfig`].
    fn event_store(&self) -> Result<Arc<dyn EventStore>, Error> {
        self.config().event_store.clone().ok_or_else(|| {
            Error::new(ErrorCode::InvalidConfig, "reconciling needs the event_store the sends were recorded in")
        })
    }

    /// Every page of the history that could hold `record`.
    async fn history(&self, record: &SendRecord, policy: &ReconcilePolicy) -> Result<Vec<HistoryRecord>, Error> {
        let mut query = history_query(record, policy);
        let mut records = Vec::new();
        loop {
            let page = self.list_messages(&query).await?;
            records.extend(page.records);
            match page.next_page {
                Some(next) => query.page = Some(next),
                None => return Ok(records),
            }
        }
    }

    /// Moves the send `task_id` from `from` to `to` if it is still in `from`: `Ok(())` when
    /// this call moved it, else the state it is in (unknown when it was never recorded).
    async fn mark(
        &self,
        store: &Arc<dyn EventStore>,
        task_id: &str,
        from: SendState,
        to: SendState,
    ) -> Result<Result<(), SendState>, Error> {
        let (store, provider, task_id) = (Arc::clone(store), self.config().provider(), task_id.to_owned());
        store::blocking(move || {
            if store.transition(provider, &task_id, &from, &to, store::now_ms())? {
                return Ok(Ok(()));
            }
            let record = store.send(provider, &task_id)?;
            Ok(Err(record.map_or(SendState::Unknown, |record| record.state)))
        })
        .await
    }
}
