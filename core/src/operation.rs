//! The API operations chatlane calls, named for spans, hooks and pacing budgets.

use crate::limit::Quota;

/// An operation a provider answers; each is paced on its own budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// CAMS: send one message.
    SendChatappMessage,
    /// CAMS: send one template to up to 1,000 recipients.
    SendChatappMassMessage,
    /// Meta's Cloud API: send one message (`POST /{version}/{phone-number-id}/messages`).
    WhatsappMessages,
    /// CAMS: one page of the account's templates.
    ListChatappTemplate,
    /// CAMS: one template with its components, quality and whether it may be sent.
    GetChatappTemplateDetail,
    /// CAMS: one page of the messages a business number sent and received.
    ListChatappMessage,
    /// CAMS: the business numbers of a channel, with status, quality and tier.
    QueryChatappPhoneNumbers,
    /// CAMS: temporary OSS credentials to upload a channel's media with.
    GetChatappUploadAuthorization,
    /// Meta's Graph API: read the WhatsApp Business Account's message templates
    /// (`GET /{version}/{waba-id}/message_templates`, `GET /{version}/{template-id}`).
    WhatsappTemplates,
    /// CAMS: submit a new template (or a new language of one) for review.
    CreateChatappTemplate,
    /// CAMS: change a template's components and submit it for review again.
    ModifyChatappTemplate,
    /// CAMS: delete a template, in one language or in all.
    DeleteChatappTemplate,
    /// Meta's Graph API: upload a media file for a business number
    /// (`POST /{version}/{phone-number-id}/media`).
    WhatsappMediaUpload,
    /// Meta's Graph API: a media file's download URL, type, size and hash
    /// (`GET /{version}/{media-id}`).
    WhatsappMediaRetrieve,
    /// Meta's Graph API: delete a media file (`DELETE /{version}/{media-id}`).
    WhatsappMediaDelete,
}

impl Operation {
    /// The documented limit for this operation, evenly spaced: per CAMS account (spec §1), or
    /// per Meta business phone number (80/s until Meta upgrades the number).
    /// `ListChatappMessage` has no documented limit: [`crate::cams::unverified::LIST_MESSAGE_QPS`].
    /// Meta's template reads are paced per WhatsApp Business Account under its hourly budget:
    /// [`crate::meta::unverified::TEMPLATE_READS`]. Template management: 50 / 50 / 5 per second
    /// (create / modify / delete). Meta's media calls are paced per business number:
    /// [`crate::meta::unverified::MEDIA_CALLS`].
    pub const fn default_quota(self) -> Quota {
        match self {
            Self::SendChatappMessage => Quota::per_second(250.0),
            Self::SendChatappMassMessage => Quota::per_second(10.0),
            Self::WhatsappMessages => Quota::per_second(80.0),
            Self::ListChatappTemplate | Self::GetChatappTemplateDetail => Quota::per_second(5.0),
            Self::ListChatappMessage => Quota::per_second(crate::cams::unverified::LIST_MESSAGE_QPS),
            Self::QueryChatappPhoneNumbers => Quota::per_second(10.0),
            Self::GetChatappUploadAuthorization => Quota::per_second(5.0),
            Self::WhatsappTemplates => crate::meta::unverified::TEMPLATE_READS,
            Self::CreateChatappTemplate | Self::ModifyChatappTemplate => Quota::per_second(50.0),
            Self::DeleteChatappTemplate => Quota::per_second(5.0),
            Self::WhatsappMediaUpload | Self::WhatsappMediaRetrieve | Self::WhatsappMediaDelete => {
                crate::meta::unverified::MEDIA_CALLS
            }
        }
    }

    /// Whether calling it twice changes nothing (a read): an answer lost on the way is then
    /// asked again, where a send's, a template write's or a media upload's or deletion's is
    /// never repeated (an upload made twice leaves a second file; a deletion made twice fails).
    pub const fn is_read(self) -> bool {
        match self {
            Self::SendChatappMessage
            | Self::SendChatappMassMessage
            | Self::WhatsappMessages
            | Self::CreateChatappTemplate
            | Self::ModifyChatappTemplate
            | Self::DeleteChatappTemplate
            | Self::WhatsappMediaUpload
            | Self::WhatsappMediaDelete => false,
            Self::ListChatappTemplate
            | Self::GetChatappTemplateDetail
            | Self::ListChatappMessage
            | Self::QueryChatappPhoneNumbers
            | Self::GetChatappUploadAuthorization
            | Self::WhatsappTemplates
            | Self::WhatsappMediaRetrieve => true,
        }
    }

    /// Its name: the CAMS action (`x-acs-action`), or `WhatsappMessages`, `WhatsappTemplates`
    /// and `WhatsappMedia…` for Meta's messages, message templates and media.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SendChatappMessage => "SendChatappMessage",
            Self::SendChatappMassMessage => "SendChatappMassMessage",
            Self::WhatsappMessages => "WhatsappMessages",
            Self::ListChatappTemplate => "ListChatappTemplate",
            Self::GetChatappTemplateDetail => "GetChatappTemplateDetail",
            Self::ListChatappMessage => "ListChatappMessage",
            Self::QueryChatappPhoneNumbers => "QueryChatappPhoneNumbers",
            Self::GetChatappUploadAuthorization => "GetChatappUploadAuthorization",
            Self::WhatsappTemplates => "WhatsappTemplates",
            Self::CreateChatappTemplate => "CreateChatappTemplate",
            Self::ModifyChatappTemplate => "ModifyChatappTemplate",
            Self::DeleteChatappTemplate => "DeleteChatappTemplate",
            Self::WhatsappMediaUpload => "WhatsappMediaUpload",
            Self::WhatsappMediaRetrieve => "WhatsappMediaRetrieve",
            Self::WhatsappMediaDelete => "WhatsappMediaDelete",
        }
    }
}
