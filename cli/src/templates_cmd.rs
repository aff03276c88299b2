//! `chatlane templates`: the account's message templates, listed (every page) or read in full;
//! created, modified and deleted in `templates_write.rs`.

use std::io::{self, Write};
use std::process::ExitCode;

use chatlane_core::ops::{TemplateDetail, TemplateQuery, TemplateRef, TemplateSummary};
use clap::{Args, Subcommand};

use crate::connection::ConnectionArgs;
use crate::listing::{Failure, Listing, cell, finish};
use crate::templates_write::{self, CreateArgs, DeleteArgs, ModifyArgs};

/// Examples shown by `chatlane templates --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane templates list                                  # every template, every page
  chatlane templates list --status pass --language en --json
  chatlane templates show 744c4b5c79c94324 --language en
  chatlane templates list --sandbox --sandbox-config sandbox.json
  chatlane templates create order_update --language en --category UTILITY \
      --header 'Order $(order)' --body 'Hi $(name), order $(order) shipped.' \
      --quick-reply Thanks --example name=Ada --example order=42
  chatlane templates create promo --language en --category MARKETING --components promo.json --json
  chatlane templates modify 744c4b5c79c94324 --language en --body 'Hi $(name), order $(order) is on its way.'
  chatlane templates delete 744c4b5c79c94324 --language en      # every language without --language

Credentials and endpoint as for `chatlane send`; the channel instance (CustSpaceId) from
--cust-space-id or CHATLANE_CUST_SPACE_ID. --json prints the model's camelCase records
(TemplateSummary one per line, TemplateDetail, SavedTemplate) as in schema/chatlane.schema.json.
A created or modified template is in review (auditing) until approved; --components takes a
JSON array of TemplateComponent (as `templates show --json` prints them, - for stdin).";

/// Options of `chatlane templates`.
#[derive(Debug, Args)]
pub struct TemplatesArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// List templates, walking every page: a table (code, name, language, status, category)
    /// or JSON lines.
    #[command(after_help = EXAMPLES)]
    List(Box<ListArgs>),
    /// One template in full: components, buttons, quality, whether it may be sent.
    #[command(after_help = EXAMPLES)]
    Show(Box<ShowArgs>),
    /// Submit a new template (or a new language of one) for review.
    #[command(after_help = EXAMPLES)]
    Create(Box<CreateArgs>),
    /// Replace a template's components in one language and submit it for review again.
    #[command(after_help = EXAMPLES)]
    Modify(Box<ModifyArgs>),
    /// Delete a template, in one language or in every one.
    #[command(after_help = EXAMPLES)]
    Delete(Box<DeleteArgs>),
}

/// Options of `chatlane templates list`.
#[derive(Debug, Args)]
struct ListArgs {
    /// Only the template with this code.
    #[arg(long)]
    code: Option<String>,
    /// Only templates with this name.
    #[arg(long)]
    name: Option<String>,
    /// Only templates in this language, e.g. en or zh_CN.
    #[arg(long)]
    language: Option<String>,
    /// Only templates in this review state (pass: approved).
    #[arg(long, value_parser = ["pass", "fail", "auditing", "unaudit"])]
    status: Option<String>,
    /// Only templates of this category: UTILITY, MARKETING or AUTHENTICATION.
    #[arg(long)]
    category: Option<String>,
    /// Only templates of this kind.
    #[arg(long = "type", value_name = "TYPE", value_parser = ["WHATSAPP", "VIBER"])]
    template_type: Option<String>,
    /// Templates asked for per request, 1–1000 (default 100).
    #[arg(long, value_name = "N")]
    page_size: Option<u32>,
    /// Print one JSON object per template (TemplateSummary) instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Options of `chatlane templates show`.
#[derive(Debug, Args)]
struct ShowArgs {
    /// The template's code.
    code: String,
    /// Its language, e.g. en or zh_CN.
    #[arg(long)]
    language: String,
    /// Print the template as JSON (TemplateDetail) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Runs `chatlane templates`.
pub async fn run(args: TemplatesArgs) -> ExitCode {
    finish(match args.action {
        Action::List(args) => list(*args).await,
        Action::Show(args) => show(*args).await,
        Action::Create(args) => templates_write::create(*args).await,
        Action::Modify(args) => templates_write::modify(*args).await,
        Action::Delete(args) => templates_write::delete(*args).await,
    })
}

async fn list(args: ListArgs) -> Result<(), Failure> {
    let connection = args.connection.connect(|_| {}).await?;
    let mut query = TemplateQuery {
        code: args.code,
        name: args.name,
        language: args.language,
        audit_status: args.status,
        category: args.category,
        template_type: args.template_type,
        page_size: args.page_size,
        ..TemplateQuery::all()
    };
    let mut listing = Listing::new(args.json, &["CODE", "NAME", "LANGUAGE", "STATUS", "CATEGORY"]);
    loop {
        let page = connection.client.list_templates(&query).await?;
        for template in &page.templates {
            listing.add(template, row)?;
        }
        match page.next_query(&query) {
            Some(next) => query = next,
            None => break,
        }
    }
    Ok(listing.end()?)
}

/// A template's row in the table.
fn row(template: &TemplateSummary) -> Vec<String> {
    vec![
        template.code.clone(),
        template.name.clone(),
        template.language.clone(),
        template.audit_status.clone(),
        cell(template.category.as_deref()),
    ]
}

async fn show(args: ShowArgs) -> Result<(), Failure> {
    let connection = args.connection.connect(|_| {}).await?;
    let detail = connection.client.template(&TemplateRef::code(args.code, args.language)).await?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &detail).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        describe(&detail, &mut out)?;
    }
    Ok(())
}

/// Writes `detail` for a reader: its facts one per line, then its components and buttons.
fn describe(detail: &TemplateDetail, out: &mut impl Write) -> io::Result<()> {
    let may = if detail.allow_send { "may be sent" } else { "may not be sent" };
    let mut example: Vec<String> = detail.example.iter().map(|(name, value)| format!("{name}={value}")).collect();
    example.sort();
    let facts = [
        ("code", Some(detail.code.clone())),
        ("name", Some(detail.name.clone())),
        ("language", Some(detail.language.clone())),
        ("status", Some(format!("{} ({may})", detail.audit_status))),
        ("category", detail.category.clone()),
        ("type", detail.template_type.clone()),
        ("quality", detail.quality_score.clone()),
        ("reason", detail.reason.clone().filter(|r| !r.is_empty())),
        ("send ttl", detail.message_send_ttl_seconds.map(|s| format!("{s} s"))),
        ("example", (!example.is_empty()).then(|| example.join(" "))),
    ];
    for (label, value) in facts {
        if let Some(value) = value {
            writeln!(out, "{:<10}{value}", format!("{label}:"))?;
        }
    }
    if !detail.components.is_empty() {
        writeln!(out, "components:")?;
    }
    for component in &detail.components {
        let mut head = component.kind.clone();
        if let Some(format) = &component.format {
            head = format!("{head} ({format})");
        }
        match component.text.as_deref().or(component.url.as_deref()) {
            Some(text) => writeln!(out, "  {head}: {}", text.replace('\n', "\n    "))?,
            None => writeln!(out, "  {head}")?,
        }
        if let (Some(url), Some(_)) = (&component.url, &component.text) {
            writeln!(out, "    url: {url}")?;
        }
        if let Some(caption) = &component.caption {
            writeln!(out, "    caption: {caption}")?;
        }
        if let Some(file_name) = &component.file_name {
            writeln!(out, "    file name: {file_name}")?;
        }
        for button in &component.buttons {
            let mut line = format!("    - {}", button.kind);
            if let Some(text) = &button.text {
                line.push_str(&format!(" \"{text}\""));
            }
            if let Some(target) = button.url.as_ref().or(button.phone_number.as_ref()) {
                line.push_str(&format!(" {target}"));
            }
            if let Some(url_type) = &button.url_type {
                line.push_str(&format!(" ({url_type})"));
            }
            if let Some(flow_id) = &button.flow_id {
                line.push_str(&format!(" flow {flow_id}"));
            }
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chatlane_core::ops::{TemplateButton, TemplateComponent};

    use super::*;

    fn component(kind: &str) -> TemplateComponent {
        TemplateComponent {
            kind: kind.into(),
            format: None,
            text: None,
            url: None,
            caption: None,
            file_name: None,
            buttons: Vec::new(),
        }
    }

    #[test]
    fn a_template_is_described_fact_by_fact_then_part_by_part() {
        let detail = TemplateDetail {
            code: "744c".into(),
            name: "order_update".into(),
            language: "en".into(),
            audit_status: "pass".into(),
            allow_send: true,
            category: Some("UTILITY".into()),
            template_type: None,
            reason: Some(String::new()),
            quality_score: Some("GREEN".into()),
            message_send_ttl_seconds: Some(600),
            example: [("name", "Ada"), ("code", "123")].map(|(k, v)| (k.to_owned(), v.to_owned())).into(),
            components: vec![
                TemplateComponent {
                    format: Some("IMAGE".into()),
                    url: Some("https://cdn.example/box.png".into()),
                    caption: Some("Your box".into()),
                    ..component("HEADER")
                },
                TemplateComponent { text: Some("Hi $(name),\nyour code is $(code)".into()), ..component("BODY") },
                TemplateComponent {
                    buttons: vec![
                        TemplateButton::labelled("QUICK_REPLY", "Stop"),
                        TemplateButton {
                            url: Some("https://shop.example/$(code)".into()),
                            url_type: Some("dynamic".into()),
                            ..TemplateButton::labelled("URL", "Track")
                        },
                        TemplateButton {
                            phone_number: Some("+6591234567".into()),
                            ..TemplateButton::labelled("PHONE_NUMBER", "Call")
                        },
                    ],
                    ..component("BUTTONS")
                },
            ],
        };
        let mut out = Vec::new();
        describe(&detail, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "code:     744c\n\
             name:     order_update\n\
             language: en\n\
             status:   pass (may be sent)\n\
             category: UTILITY\n\
             quality:  GREEN\n\
             send ttl: 600 s\n\
             example:  code=123 name=Ada\n\
             components:\n  \
               HEADER (IMAGE): https://cdn.example/box.png\n    \
                 caption: Your box\n  \
               BODY: Hi $(name),\n    your code is $(code)\n  \
               BUTTONS\n    \
                 - QUICK_REPLY \"Stop\"\n    \
                 - URL \"Track\" https://shop.example/$(code) (dynamic)\n    \
                 - PHONE_NUMBER \"Call\" +6591234567\n"
        );
    }
}
