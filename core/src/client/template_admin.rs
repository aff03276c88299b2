//! The client's template management (CAMS only): create, modify and delete, each mapped
//! (pure), run through the pipeline as a write, and read (pure). A write is repeated only when
//! it provably had no effect (throttled, refused before processing, never connected), like a
//! send: a lost answer is [`crate::ErrorCode::OutcomeUnknown`] — list the templates to see
//! whether it took. Each write drops what the template cache kept of that template.

use super::Client;
use crate::cams::ops as cams;
use crate::error::Error;
use crate::operation::Operation;
use crate::ops::{NewTemplate, SavedTemplate, TemplateDeletion, TemplateEdit};

impl Client {
    /// Submits `template` for review (CAMS `CreateChatappTemplate`, 50/s): its code and name.
    /// It is `auditing` until reviewed; a name taken in that language is refused
    /// ([`crate::ErrorCode::InvalidParameter`], platform code
    /// `InvalidParameter.TemplateNameExist`).
    pub async fn create_template(&self, template: &NewTemplate) -> Result<SavedTemplate, Error> {
        self.cams(Operation::CreateChatappTemplate)?;
        let params = cams::create_template(template, self.config().cust_space_id())?;
        let body = self.call(Operation::CreateChatappTemplate, params).await?.body;
        let saved = cams::read_saved(Operation::CreateChatappTemplate.as_str(), &body)?;
        self.forget_template(Some(&saved.code), Some(&saved.name));
        Ok(saved)
    }

    /// Replaces a template's components in one language and submits it for review again
    /// (CAMS `ModifyChatappTemplate`, 50/s). An unknown template is
    /// [`crate::ErrorCode::TemplateNotFound`].
    pub async fn modify_template(&self, edit: &TemplateEdit) -> Result<SavedTemplate, Error> {
        self.cams(Operation::ModifyChatappTemplate)?;
        let params = cams::modify_template(edit, self.config().cust_space_id())?;
        let body = self.call(Operation::ModifyChatappTemplate, params).await?.body;
        let saved = cams::read_saved(Operation::ModifyChatappTemplate.as_str(), &body)?;
        self.forget_template(Some(&saved.code), Some(&saved.name));
        Ok(saved)
    }

    /// Deletes a template in one language, or in every one (CAMS `DeleteChatappTemplate`,
    /// 5/s). An unknown template is [`crate::ErrorCode::TemplateNotFound`].
    pub async fn delete_template(&self, deletion: &TemplateDeletion) -> Result<(), Error> {
        self.cams(Operation::DeleteChatappTemplate)?;
        let params = cams::delete_template(deletion, self.config().cust_space_id())?;
        self.call(Operation::DeleteChatappTemplate, params).await?;
        self.forget_template(deletion.code.as_deref(), deletion.name.as_deref());
        Ok(())
    }

    /// Drops the template cache's entries of the template with this code or name.
    fn forget_template(&self, code: Option<&str>, name: Option<&str>) {
        if let Some(templates) = &self.inner.templates {
            templates.forget(code, name);
        }
    }
}
