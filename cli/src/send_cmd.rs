//! `chatlane send`: one message (from flags or JSON) or a mass send (JSON); prints its
//! MessageId or a typed error.

use std::process::ExitCode;

use chatlane_core::{Channel, Error, ErrorCode, MassMessage, Message, Outgoing, SendReceipt, Template, TemplateParams};
use clap::{ArgGroup, Args};

use crate::connection::{ConnectionArgs, Provider, failed};

/// Examples shown by `chatlane send --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane send --sandbox --from 8613800000000 --to 6591234567 --text 'Hello!'
  chatlane send --sandbox --json message.json     # any message (or mass send) as JSON
  chatlane send --from 8613800000000 --to 6591234567 \\
      --template 744c4b5c79c94324 --language en --param name=Ada --param code=123456

  chatlane send --provider meta --sandbox --to 16505551234 --text 'Hello from Meta!'
  chatlane send --provider meta --to 16505551234 --template order_update --language en_US

Credentials: --access-key-id/--access-key-secret, or the environment variables
ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN).
Meta: --access-token or WHATSAPP_ACCESS_TOKEN, and the sender's phone number ID as --from or
WHATSAPP_PHONE_NUMBER_ID. --sandbox sends to an embedded local sandbox instead and needs none.";

/// Options of `chatlane send`.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("body").required(true).args(["text", "template", "json"])))]
pub struct SendArgs {
    /// Sender: business number (digits with country code), page, account or service ID; for
    /// Meta, the business phone number ID (default: $WHATSAPP_PHONE_NUMBER_ID).
    #[arg(long)]
    from: Option<String>,
    /// Recipient: phone number (digits with country code) or channel user ID.
    #[arg(long, required_unless_present = "json")]
    to: Option<String>,
    /// Channel: whatsapp, messenger, instagram, viber, telegram or line.
    #[arg(long, default_value = "whatsapp")]
    channel: String,
    /// Send the message described by this JSON file (`-` reads standard input), e.g.
    /// {"from":"8613800000000","to":"6591234567","content":{"messageType":"text","text":"Hi"}};
    /// an object with "recipients" is a mass send (schema/chatlane.schema.json).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["from", "to", "channel", "task_id"])]
    json: Option<std::path::PathBuf>,
    /// Send a free-form text message with this text.
    #[arg(long)]
    text: Option<String>,
    /// Send the template with this TemplateCode (Meta: this template name).
    #[arg(long, requires = "language")]
    template: Option<String>,
    /// Template language, e.g. en or zh_CN.
    #[arg(long, requires = "template")]
    language: Option<String>,
    /// Template variable as NAME=VALUE (repeatable, order kept).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param, requires = "template")]
    params: Vec<(String, String)>,
    /// Quick-reply button payload (repeatable, in button order).
    #[arg(long, requires = "template")]
    payload: Vec<String>,
    /// Caller-defined ID echoed in status receipts.
    #[arg(long)]
    task_id: Option<String>,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Parses a `NAME=VALUE` flag.
fn parse_param(raw: &str) -> Result<(String, String), String> {
    raw.split_once('=')
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .ok_or_else(|| format!("{raw:?} is not NAME=VALUE"))
}

/// Runs `chatlane send`.
pub async fn run(args: SendArgs) -> ExitCode {
    match send(args).await {
        Ok(receipt) => {
            println!(
                "MessageId={} RequestId={} TaskId={} attempts={}",
                receipt.message_id, receipt.request_id, receipt.task_id, receipt.attempts
            );
            ExitCode::SUCCESS
        }
        Err(error) => failed(&error),
    }
}

async fn send(args: SendArgs) -> Result<SendReceipt, Error> {
    let Some(path) = &args.json else {
        return submit(&args, message(&args)?).await;
    };
    let value = read_json(path)?;
    if matches!(&value, serde_json::Value::Object(fields) if fields.contains_key("recipients")) {
        submit(&args, MassMessage::from_json_value(value)?).await
    } else {
        submit(&args, Message::from_json_value(value)?).await
    }
}

/// Connects as the flags say and sends `message`.
async fn submit(args: &SendArgs, message: impl Outgoing) -> Result<SendReceipt, Error> {
    let connection = args.connection.connect(|_| {}).await?;
    connection.client.send(&message).await
}

fn message(args: &SendArgs) -> Result<Message, Error> {
    let from = args.from.clone().or_else(|| args.connection.default_sender()).ok_or_else(|| {
        let meta = if args.connection.provider == Provider::Meta { " (or set WHATSAPP_PHONE_NUMBER_ID)" } else { "" };
        Error::new(ErrorCode::InvalidMessage, format!("give the sender with --from{meta}"))
    })?;
    let to = args.to.clone().unwrap_or_default();
    let mut message = match (&args.text, &args.template) {
        (Some(text), _) => Message::text(from, to, text.clone()),
        (None, Some(template)) => Message {
            template: Some(Template {
                code: (args.connection.provider == Provider::Cams).then(|| template.clone()),
                name: (args.connection.provider == Provider::Meta).then(|| template.clone()),
                language: args.language.clone().unwrap_or_default(),
                params: args.params.iter().cloned().collect::<TemplateParams>(),
                payload: args.payload.clone(),
            }),
            ..Message::new(from, to)
        },
        (None, None) => unreachable!("clap requires --text, --template or --json"),
    };
    message.channel = Channel::parse(&args.channel)?;
    message.task_id.clone_from(&args.task_id);
    Ok(message)
}

/// JSON from a file or standard input: a message, or a mass send when it has `recipients`.
fn read_json(path: &std::path::Path) -> Result<serde_json::Value, Error> {
    let read =
        if path.as_os_str() == "-" { std::io::read_to_string(std::io::stdin()) } else { std::fs::read_to_string(path) };
    let text =
        read.map_err(|e| Error::new(ErrorCode::InvalidMessage, format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| Error::new(ErrorCode::InvalidMessage, format!("{} is not JSON: {e}", path.display())))
}
