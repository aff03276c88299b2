//! `chatlane templates create|modify|delete`: template management (CAMS). A template's
//! components come from flags (`--header`, `--body`, `--footer`, `--quick-reply`) or whole
//! from a JSON file (`--components`, the model's `TemplateComponent` array).

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use chatlane_core::ops::{
    NewTemplate, SavedTemplate, TEMPLATE_CATEGORIES, TEMPLATE_TYPES, TemplateButton, TemplateComponent,
    TemplateDeletion, TemplateEdit,
};
use chatlane_core::{Error, ErrorCode};
use clap::Args;

use crate::connection::ConnectionArgs;
use crate::listing::Failure;

/// Options of `chatlane templates create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The template's name.
    name: String,
    /// Its language, e.g. en or zh_CN.
    #[arg(long)]
    language: String,
    /// Its category.
    #[arg(long, value_parser = TEMPLATE_CATEGORIES)]
    category: String,
    /// Its kind (WHATSAPP when left out).
    #[arg(long = "type", value_name = "TYPE", value_parser = TEMPLATE_TYPES)]
    template_type: Option<String>,
    #[command(flatten)]
    content: ContentArgs,
    /// Print the saved template as JSON (SavedTemplate) instead of a line.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Options of `chatlane templates modify`.
#[derive(Debug, Args)]
pub struct ModifyArgs {
    /// The template's code.
    code: String,
    /// The language whose components change.
    #[arg(long)]
    language: String,
    #[command(flatten)]
    content: ContentArgs,
    /// Print the saved template as JSON (SavedTemplate) instead of a line.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Options of `chatlane templates delete`.
#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The template's code.
    code: String,
    /// Delete only this language (every language when left out).
    #[arg(long)]
    language: Option<String>,
    /// Its kind (WHATSAPP when left out).
    #[arg(long = "type", value_name = "TYPE", value_parser = TEMPLATE_TYPES)]
    template_type: Option<String>,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// A template's components and review details, shared by `create` and `modify`.
#[derive(Debug, Args)]
struct ContentArgs {
    /// The body text, variables written $(name).
    #[arg(long, required_unless_present = "components")]
    body: Option<String>,
    /// A text header.
    #[arg(long, conflicts_with = "components")]
    header: Option<String>,
    /// A footer.
    #[arg(long, conflicts_with = "components")]
    footer: Option<String>,
    /// A quick-reply button with this label (repeat for more).
    #[arg(long = "quick-reply", value_name = "LABEL", conflicts_with = "components")]
    quick_replies: Vec<String>,
    /// Every component from a JSON file instead (an array of TemplateComponent, as
    /// `templates show --json` prints them; - reads standard input).
    #[arg(long, value_name = "FILE", conflicts_with = "body")]
    components: Option<PathBuf>,
    /// An example value of a variable for the review (repeat for more).
    #[arg(long = "example", value_name = "NAME=VALUE", value_parser = example)]
    examples: Vec<(String, String)>,
    /// How long a send of it may wait for delivery, in seconds.
    #[arg(long, value_name = "SECONDS")]
    ttl: Option<u32>,
}

impl ContentArgs {
    /// The components the flags or the file give.
    fn components(&self) -> Result<Vec<TemplateComponent>, Error> {
        if let Some(path) = &self.components {
            return read_components(path);
        }
        let text = TemplateComponent::text;
        let mut components: Vec<TemplateComponent> = self.header.iter().map(|header| text("HEADER", header)).collect();
        components.extend(self.body.iter().map(|body| text("BODY", body)));
        components.extend(self.footer.iter().map(|footer| text("FOOTER", footer)));
        if !self.quick_replies.is_empty() {
            let replies = self.quick_replies.iter().map(|label| TemplateButton::labelled("QUICK_REPLY", label));
            components.push(TemplateComponent::buttons(replies.collect()));
        }
        Ok(components)
    }
}

/// Reads `--components` from `path` (`-`: standard input): a JSON array of components.
fn read_components(path: &Path) -> Result<Vec<TemplateComponent>, Error> {
    let read = if path == Path::new("-") {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(path)
    };
    let invalid = |why: String| Error::new(ErrorCode::InvalidParameter, format!("components: {why}"));
    let text = read.map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| invalid(format!("{} is not an array of components: {e}", path.display())))
}

/// Parses `NAME=VALUE`.
fn example(pair: &str) -> Result<(String, String), String> {
    match pair.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("expected NAME=VALUE, not {pair:?}")),
    }
}

/// Runs `chatlane templates create`.
pub async fn create(args: CreateArgs) -> Result<(), Failure> {
    let template = NewTemplate {
        name: args.name,
        language: args.language,
        category: args.category,
        components: args.content.components()?,
        example: args.content.examples.iter().cloned().collect(),
        template_type: args.template_type,
        message_send_ttl_seconds: args.content.ttl,
        cust_space_id: None,
    };
    let connection = args.connection.connect(|_| {}).await?;
    let saved = connection.client.create_template(&template).await?;
    Ok(print(&saved, args.json, "created")?)
}

/// Runs `chatlane templates modify`.
pub async fn modify(args: ModifyArgs) -> Result<(), Failure> {
    let edit = TemplateEdit {
        code: Some(args.code),
        name: None,
        language: args.language,
        components: args.content.components()?,
        example: args.content.examples.iter().cloned().collect(),
        template_type: None,
        message_send_ttl_seconds: args.content.ttl,
        cust_space_id: None,
    };
    let connection = args.connection.connect(|_| {}).await?;
    let saved = connection.client.modify_template(&edit).await?;
    Ok(print(&saved, args.json, "modified")?)
}

/// Runs `chatlane templates delete`.
pub async fn delete(args: DeleteArgs) -> Result<(), Failure> {
    let which = match &args.language {
        Some(language) => format!("in {language}"),
        None => "in every language".to_owned(),
    };
    let deletion = TemplateDeletion {
        language: args.language,
        template_type: args.template_type,
        ..TemplateDeletion::code(args.code)
    };
    let connection = args.connection.connect(|_| {}).await?;
    connection.client.delete_template(&deletion).await?;
    let code = deletion.code.unwrap_or_default();
    Ok(writeln!(io::stdout().lock(), "deleted template {code} {which}")?)
}

/// Prints `saved` as JSON, or as a line saying it was `done` and is in review.
fn print(saved: &SavedTemplate, json: bool, done: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, saved)?;
        return writeln!(out);
    }
    writeln!(out, "{done} template {} (code {}): in review until approved", saved.name, saved.code)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        content: ContentArgs,
    }

    fn content(args: &[&str]) -> Result<ContentArgs, clap::Error> {
        Cli::try_parse_from([&["test"][..], args].concat()).map(|cli| cli.content)
    }

    #[test]
    fn the_flags_make_a_text_template_in_order() {
        let flags = ["--footer", "Bye", "--body", "Hi $(name)", "--header", "Order", "--quick-reply", "Yes"];
        let components = content(&[&flags[..], &["--quick-reply", "No", "--example", "name=Ada"]].concat()).unwrap();
        let built = components.components().unwrap();
        let kinds: Vec<_> = built.iter().map(|c| (c.kind.as_str(), c.text.as_deref())).collect();
        assert_eq!(
            kinds,
            [("HEADER", Some("Order")), ("BODY", Some("Hi $(name)")), ("FOOTER", Some("Bye")), ("BUTTONS", None)]
        );
        assert_eq!(built[0].format.as_deref(), Some("TEXT"));
        let labels: Vec<_> = built[3].buttons.iter().map(|b| b.text.as_deref().unwrap()).collect();
        assert_eq!(labels, ["Yes", "No"]);
        assert_eq!(components.examples, [("name".to_owned(), "Ada".to_owned())]);
    }

    #[test]
    fn a_body_or_a_file_and_examples_are_pairs() {
        assert!(content(&[]).is_err(), "neither a body nor a file");
        assert!(content(&["--body", "x", "--components", "c.json"]).is_err());
        assert!(content(&["--header", "x", "--components", "c.json"]).is_err());
        assert!(content(&["--body", "x", "--example", "name"]).is_err());
        let missing = content(&["--components", "/nonexistent.json"]).unwrap().components().unwrap_err();
        assert_eq!(missing.code(), ErrorCode::InvalidParameter);
        assert!(missing.message().starts_with("components: cannot read /nonexistent.json"), "{missing}");
    }
}
