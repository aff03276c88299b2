//! The client's operations beyond sending ([`crate::ops`]): each maps its query onto the
//! provider's action (pure), runs it through the pipeline, and reads the answer (pure). A Meta
//! client's templates go through Graph (`meta_templates.rs`), its history comes from its event
//! store (`meta_history.rs`).

use super::Client;
use crate::cams::ops as cams;
use crate::cams::wire::Params;
use crate::error::{Error, ErrorCode};
use crate::operation::Operation;
use crate::ops::{
    HistoryPage, HistoryQuery, PhoneNumber, PhoneNumberQuery, Query, TemplateDetail, TemplatePage, TemplateQuery,
    TemplateRef,
};
use crate::options::SendOptions;
use crate::provider::{Call, CallAnswer, ProviderKind};

/// A history page as it came, its records not read yet when CAMS gave them: what a walk's
/// task gets of a [`HistoryQuery`] ([`crate::Listing::Answer`]).
pub struct HistoryAnswer(Answered);

/// What a [`HistoryAnswer`] holds.
enum Answered {
    /// CAMS's accepted answer, its records counted by its classification and read by
    /// [`cams::read_messages`].
    Cams(CallAnswer),
    /// A Meta client's page, read from its event store already.
    Page(HistoryPage),
}

impl HistoryAnswer {
    /// The page after this one (`query`'s), `None` on the last: from CAMS's answer with its
    /// records counted, not read.
    pub(super) fn next_page(&self, query: &HistoryQuery) -> Option<u32> {
        match &self.0 {
            Answered::Cams(answer) => cams::next_messages_page(query, answer.listed),
            Answered::Page(page) => page.next_page,
        }
    }

    /// The page this is (`query`'s), its records read.
    pub(super) fn read(self, query: &HistoryQuery) -> Result<HistoryPage, Error> {
        match self.0 {
            Answered::Cams(answer) => cams::read_messages(query, &answer.body),
            Answered::Page(page) => Ok(page),
        }
    }
}

impl Client {
    /// One page of a business number's message history, newest first; `next_page` says which
    /// page to ask for next. CAMS: `ListChatappMessage`, a read paced at its limit and asked
    /// again when its answer is lost. Meta keeps no history: a Meta client lists what its
    /// `event_store` recorded of the webhooks a [`crate::receive::Receiver`] on the same
    /// store admitted ([`crate::store::EventStore::history`]; without a store,
    /// [`ErrorCode::InvalidConfig`]), for WhatsApp only and without the CAMS filters
    /// `template_code`, `group_message_id` and `cust_space_id` (each an
    /// [`ErrorCode::InvalidParameter`]).
    pub async fn list_messages(&self, query: &HistoryQuery) -> Result<HistoryPage, Error> {
        self.history_answer(query).await?.read(query)
    }

    /// The answer to `query`, its records not read yet when CAMS gave them.
    pub(super) async fn history_answer(&self, query: &HistoryQuery) -> Result<HistoryAnswer, Error> {
        if self.config().provider() == ProviderKind::Meta {
            return Ok(HistoryAnswer(Answered::Page(self.meta_messages(query).await?)));
        }
        self.cams(Operation::ListChatappMessage)?;
        let params = cams::list_messages(query, self.config().cust_space_id())?;
        Ok(HistoryAnswer(Answered::Cams(self.call(Operation::ListChatappMessage, params).await?)))
    }

    /// One page of the account's templates (CAMS `ListChatappTemplate`, 5/s; Meta
    /// `GET /{waba-id}/message_templates`, which needs the `waba_id` option, paced under the
    /// account's hourly budget: [`crate::meta::unverified::TEMPLATE_READS`]). CAMS pages by
    /// number, Meta by cursor: [`TemplatePage::next_query`] asks for the next page of either.
    pub async fn list_templates(&self, query: &TemplateQuery) -> Result<TemplatePage, Error> {
        if self.config().provider() == ProviderKind::Meta {
            return self.meta_templates(query).await;
        }
        self.cams(Operation::ListChatappTemplate)?;
        let params = cams::list_templates(query, self.config().cust_space_id())?;
        let body = self.call(Operation::ListChatappTemplate, params).await?.body;
        cams::read_templates(query, &body)
    }

    /// One template in full: components, buttons, quality and whether it may be sent (CAMS
    /// `GetChatappTemplateDetail`, 5/s; Meta `GET /{template-id}` by code, else the listing
    /// by name, with the `waba_id` option). An unknown template is
    /// [`crate::ErrorCode::TemplateNotFound`].
    pub async fn template(&self, template: &TemplateRef) -> Result<TemplateDetail, Error> {
        if self.config().provider() == ProviderKind::Meta {
            return self.meta_template(template).await;
        }
        self.cams(Operation::GetChatappTemplateDetail)?;
        let params = cams::template_detail(template, self.config().cust_space_id())?;
        let body = self.call(Operation::GetChatappTemplateDetail, params).await?.body;
        cams::read_template(&body)
    }

    /// The channel's business numbers with their status, quality rating and messaging tier
    /// (CAMS `QueryChatappPhoneNumbers`, 10/s).
    pub async fn phone_numbers(&self, query: &PhoneNumberQuery) -> Result<Vec<PhoneNumber>, Error> {
        self.cams(Operation::QueryChatappPhoneNumbers)?;
        let params = cams::phone_numbers(query, self.config().cust_space_id());
        let body = self.call(Operation::QueryChatappPhoneNumbers, params).await?.body;
        cams::read_phone_numbers(&body)
    }

    /// Runs `query` and answers with its result in JSON (the model's camelCase shape; `null`
    /// for a deletion): how the bindings that hand queries over as JSON
    /// ([`Query::from_json_text`]) get their answers.
    pub async fn answer(&self, query: &Query) -> Result<String, Error> {
        let answer = match query {
            Query::History(query) => serde_json::to_string(&self.list_messages(query).await?),
            Query::Templates(query) => serde_json::to_string(&self.list_templates(query).await?),
            Query::Template(template) => serde_json::to_string(&self.template(template).await?),
            Query::Numbers(query) => serde_json::to_string(&self.phone_numbers(query).await?),
            Query::CreateTemplate(template) => serde_json::to_string(&self.create_template(template).await?),
            Query::ModifyTemplate(edit) => serde_json::to_string(&self.modify_template(edit).await?),
            Query::DeleteTemplate(deletion) => serde_json::to_string(&self.delete_template(deletion).await?),
            Query::MediaInfo(media) => serde_json::to_string(&self.media_info(media).await?),
            Query::DeleteMedia(media) => serde_json::to_string(&self.delete_media(media).await?),
        };
        Ok(answer.expect("records serialise to JSON"))
    }

    /// `Ok` for a CAMS client; a Meta client has no `operation`: [`ErrorCode::InvalidConfig`],
    /// before its query is read.
    pub(super) fn cams(&self, operation: Operation) -> Result<(), Error> {
        match self.config().provider() {
            ProviderKind::Cams => Ok(()),
            ProviderKind::Meta => Err(Error::new(
                ErrorCode::InvalidConfig,
                format!("{} is a CAMS operation; this client sends through Meta's Cloud API", operation.as_str()),
            )),
        }
    }

    /// Runs the CAMS action `operation` with `params`: the accepted answer.
    pub(super) async fn call(&self, operation: Operation, params: Params) -> Result<CallAnswer, Error> {
        let call = Call::Cams { operation, params };
        self.inner.pipeline.call(&call, SendOptions::default()).await
    }
}
