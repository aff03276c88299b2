//! A Meta client's templates: [`Client::list_templates`] and [`Client::template`] through
//! Graph (`GET /{waba-id}/message_templates`, `GET /{template-id}`), mapped and read by
//! [`crate::meta::templates`], run through the pipeline as reads of
//! [`Operation::WhatsappTemplates`].

use super::Client;
use crate::error::Error;
use crate::meta::templates::{self, Lookup};
use crate::operation::Operation;
use crate::ops::{TemplateDetail, TemplatePage, TemplateQuery, TemplateRef};
use crate::options::SendOptions;
use crate::provider::{Call, GraphCall};

impl Client {
    /// One page of the WhatsApp Business Account's templates.
    pub(super) async fn meta_templates(&self, query: &TemplateQuery) -> Result<TemplatePage, Error> {
        let waba_id = self.waba_id(Operation::ListChatappTemplate)?;
        let path = templates::list_path(query, waba_id)?;
        templates::read_templates(query, &self.graph(path).await?)
    }

    /// One template in full: by its ID, else the first page by page of the listing by name
    /// that holds it.
    pub(super) async fn meta_template(&self, template: &TemplateRef) -> Result<TemplateDetail, Error> {
        let waba_id = self.waba_id(Operation::GetChatappTemplateDetail)?;
        if let Some(id) = templates::template_id(template)? {
            let body = self.graph(templates::node_path(id)).await.map_err(|e| templates::unknown_id(id, e))?;
            return templates::read_node(template, &body);
        }
        let mut after = None;
        loop {
            let body = self.graph(templates::lookup_path(template, waba_id, after.as_deref())).await?;
            match templates::find(template, &body)? {
                Lookup::Found(detail) => return Ok(*detail),
                Lookup::After(cursor) => after = Some(cursor),
                Lookup::Missing => return Err(templates::not_found(template)),
            }
        }
    }

    /// The client's WABA ([`templates::waba`]).
    fn waba_id(&self, operation: Operation) -> Result<&str, Error> {
        templates::waba(self.config().waba_id(), operation)
    }

    /// Runs the Graph read `path_and_query`: the accepted answer's body.
    async fn graph(&self, path_and_query: String) -> Result<Vec<u8>, Error> {
        let call = Call::Meta(GraphCall::read(Operation::WhatsappTemplates, path_and_query));
        Ok(self.inner.pipeline.call(&call, SendOptions::default()).await?.body)
    }
}
