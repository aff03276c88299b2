//! Template sends (spec §6, §6.1) and the structured `ProductAction` / `FlowAction`
//! parameters (§6.2, §6.3).

use serde::{Deserialize, Serialize};

use super::json::{JsonObject, TemplateParams};

/// A pre-approved template, allowed at any time (`Type=template`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Template {
    /// The template code from the console or `ListChatappTemplate` (`TemplateCode`).
    /// Give this or `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub code: Option<String>,
    /// The template name (`TemplateName`). Give this or `code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub name: Option<String>,
    /// The template language, e.g. `en` or `zh_CN` (`Language`).
    pub language: String,
    /// Values of the template's variables (`TemplateParams`).
    #[serde(default, skip_serializing_if = "TemplateParams::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub params: TemplateParams,
    /// One payload per quick-reply button, in button order (`Payload`; WhatsApp).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub payload: Vec<String>,
}

/// Products for WhatsApp product and multi-product messages (`ProductAction`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProductAction {
    /// The product (retailer ID) shown as the thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub thumbnail_product_retailer_id: Option<String>,
    /// Up to 10 sections, 30 products at most in total.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub sections: Vec<ProductActionSection>,
}

/// A section of a `ProductAction`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProductActionSection {
    /// The section's title (at most 24 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub title: Option<String>,
    /// The products' retailer IDs (SKUs), at least one.
    pub product_retailer_ids: Vec<String>,
}

/// Opening a WhatsApp Flow from a template's `FLOW` button (`FlowAction`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FlowAction {
    /// Caller-defined flow token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_token: Option<String>,
    /// Initial data for the flow's first screen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub flow_action_data: Option<JsonObject>,
}
