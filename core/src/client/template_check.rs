//! The client's half of template-aware sending ([`crate::template_check`]): the template a
//! send names, from the cache or the provider, and the send checked against it.

use super::Client;
use crate::error::Error;
use crate::model::Channel;
use crate::ops::TemplateRef;
use crate::provider::OutgoingRef;
use crate::template_check::{TemplateCache, mass_violations, message_violations, sendable};

impl Client {
    /// Checks a template send against its template (the `template_cache_ttl` option):
    /// [`crate::ErrorCode::TemplateNotFound`] or [`crate::ErrorCode::TemplateNotApproved`]
    /// when it cannot be sent, an [`crate::ErrorCode::InvalidMessage`] error with every
    /// violation (the message's own with them) when it does not fit; nothing sent. A send that names no template, or names one wrongly (which validation
    /// reports), is not looked up.
    pub(super) async fn check_template(
        &self,
        outgoing: OutgoingRef<'_>,
        templates: &TemplateCache,
    ) -> Result<(), Error> {
        let (template, channel, cust_space_id) = match outgoing {
            OutgoingRef::Message(message) => match &message.template {
                Some(template) => (template, message.channel, &message.cust_space_id),
                None => return Ok(()),
            },
            OutgoingRef::Mass(message) => (&message.template, message.channel, &message.cust_space_id),
        };
        let reference = TemplateRef {
            code: template.code.clone(),
            name: template.name.clone(),
            language: template.language.clone(),
            template_type: (channel == Channel::Viber).then(|| "VIBER".to_owned()),
            cust_space_id: cust_space_id.clone().or_else(|| self.config().cust_space_id().map(str::to_owned)),
        };
        if reference.check().is_err() || (reference.code.is_some() && reference.name.is_some()) {
            return Ok(());
        }
        let detail = templates.get(&reference, || self.template(&reference)).await?;
        let detail = sendable(template, detail.as_deref())?;
        let mut found = match outgoing {
            OutgoingRef::Message(message) => message_violations(message, detail),
            OutgoingRef::Mass(message) => mass_violations(message, detail),
        };
        if found.is_empty() {
            return Ok(());
        }
        found.extend(match outgoing {
            OutgoingRef::Message(message) => self.config().provider().violations(message),
            OutgoingRef::Mass(message) => crate::validate::mass_violations(message),
        });
        Err(crate::validate::invalid(found))
    }
}
