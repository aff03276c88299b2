//! `chatlane media`: a file uploaded to the channel's media storage, and the URL to send as a
//! media message's `link`.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chatlane_core::ops::{MediaSource, MediaUpload, UploadTarget};
use clap::{Args, Subcommand};

use crate::connection::ConnectionArgs;
use crate::listing::{Failure, finish};

/// Examples shown by `chatlane media --help`.
pub const EXAMPLES: &str = "\
Examples:
  chatlane media upload logo.png --cust-space-id cams-8c8h1zpp
  chatlane media upload report.pdf --json
  chatlane media upload voice.bin --content-type audio/ogg
  url=$(chatlane media upload logo.png)    # then send it as an image:
  echo '{\"from\": \"8613800000000\", \"to\": \"6591234567\",
         \"content\": {\"messageType\": \"image\", \"link\": \"'\"$url\"'\"}}' > image.json
  chatlane send --json image.json

Credentials and endpoint as for `chatlane send`; the channel instance (CustSpaceId) from
--cust-space-id or CHATLANE_CUST_SPACE_ID. Files of at most 100 MB; the type comes from
--content-type, else the file's extension (jpg, png, webp, mp4, 3gp, pdf, ogg, mp3, aac, amr,
m4a, doc(x), xls(x), ppt(x), txt), else application/octet-stream. Prints the URL, or with
--json the UploadedMedia record (url, key, size, contentType) as in
schema/chatlane.schema.json. With --sandbox the file lives only as long as the command.";

/// Options of `chatlane media`.
#[derive(Debug, Args)]
pub struct MediaArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Upload a file and print the URL to send as an image, video, audio, document or
    /// sticker `link`.
    #[command(after_help = EXAMPLES)]
    Upload(Box<UploadArgs>),
}

/// Options of `chatlane media upload`.
#[derive(Debug, Args)]
struct UploadArgs {
    /// The file to upload.
    file: PathBuf,
    /// Its media type, e.g. image/png (default: from the file's extension).
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,
    /// Print the upload as JSON (UploadedMedia) instead of its URL.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Runs `chatlane media`.
pub async fn run(args: MediaArgs) -> ExitCode {
    finish(match args.action {
        Action::Upload(args) => upload(*args).await,
    })
}

async fn upload(args: UploadArgs) -> Result<(), Failure> {
    let upload =
        MediaUpload::from_source(MediaSource::Path(args.file), None, args.content_type, UploadTarget::default())
            .await?;
    let connection = args.connection.connect(|_| {}).await?;
    let uploaded = connection.client.upload_media(upload).await?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &uploaded).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", uploaded.url.as_deref().or(uploaded.id.as_deref()).unwrap_or_default())?;
    }
    Ok(())
}
