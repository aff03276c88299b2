//! `SendChatappMassMessage`: one template to up to 1,000 recipients (spec §8).

use serde::{Deserialize, Serialize};

use super::json::TemplateParams;
use super::options::{Fallback, RecipientType, ViberLabel};
use super::template::{FlowAction, ProductAction, Template};
use super::{Channel, from_json};
use crate::error::Error;

/// One template to many recipients, each with their own variables.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MassMessage {
    /// The chat app (`ChannelType`); WhatsApp unless said otherwise.
    #[serde(default)]
    pub channel: Channel,
    /// The sender (`From`).
    pub from: String,
    /// The template. Its `params` and `payload` apply to every recipient; a recipient's
    /// own params add to and override them, its own payload replaces it.
    pub template: Template,
    /// 1–1,000 recipients (`SenderList`).
    pub recipients: Vec<Recipient>,
    /// Caller-defined ID echoed in status receipts (`TaskId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub task_id: Option<String>,
    /// The channel instance (`CustSpaceId`); overrides the client's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub cust_space_id: Option<String>,
    /// SMS fallback (`FallBack*`; WhatsApp and Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub fallback: Option<Fallback>,
    /// Promotion or transaction (`Label`; Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub label: Option<ViberLabel>,
    /// Seconds Viber keeps trying to deliver, 30–1,209,600 (`Ttl`; Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub ttl: Option<u32>,
    /// Custom tag (`Tag`; Viber).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub tag: Option<String>,
}

/// One recipient of a mass send (an element of `SenderList`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Recipient {
    /// The recipient (`To`).
    pub to: String,
    /// This recipient's template variables (`TemplateParams`).
    #[serde(default, skip_serializing_if = "TemplateParams::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub params: TemplateParams,
    /// This recipient's quick-reply payloads (`Payload`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub payload: Vec<String>,
    /// Who `to` is (`RecipientType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub recipient_type: Option<RecipientType>,
    /// Products for this recipient (`ProductAction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub product_action: Option<ProductAction>,
    /// Flow token and data for this recipient (`FlowAction`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_action: Option<FlowAction>,
}

impl Recipient {
    /// A recipient with these variables.
    pub fn new(to: impl Into<String>, params: TemplateParams) -> Self {
        Self {
            to: to.into(),
            params,
            payload: Vec::new(),
            recipient_type: None,
            product_action: None,
            flow_action: None,
        }
    }
}

impl MassMessage {
    /// A mass send from its JSON shape; a wrong shape is an `InvalidMessage` error.
    pub fn from_json_value(value: serde_json::Value) -> Result<Self, Error> {
        from_json(value)
    }
}
