//! `chatlane media`: a file uploaded to send as a media message (CAMS: to the channel's media
//! storage, giving the URL to send as its `link`; Meta: for a business number, giving the
//! media ID to send as its `id`), and Meta's media looked up, downloaded and deleted by ID.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chatlane_core::ops::{MediaInfo, MediaRef, MediaSource, MediaUpload, UploadTarget};
use chatlane_core::{Error, ErrorCode};
use clap::{Args, Subcommand};

use crate::connection::ConnectionArgs;
use crate::listing::{Failure, finish};

/// Examples shown by `chatlane media --help` and its subcommands'.
pub const EXAMPLES: &str = "\
Examples:
  chatlane media upload logo.png --cust-space-id cams-8c8h1zpp
  chatlane media upload report.pdf --json
  chatlane media upload voice.bin --content-type audio/ogg
  url=$(chatlane media upload logo.png)    # then send it as an image:
  echo '{\"from\": \"8613800000000\", \"to\": \"6591234567\",
         \"content\": {\"messageType\": \"image\", \"link\": \"'\"$url\"'\"}}' > image.json
  chatlane send --json image.json

  chatlane media upload logo.png --provider meta --phone-number-id 106540352242922
  chatlane media info 1037543291543636 --provider meta --json
  chatlane media download 1037543291543636 --provider meta -o photo.jpg
  chatlane media delete 1037543291543636 --provider meta

Credentials and endpoint as for `chatlane send`; CAMS's channel instance (CustSpaceId) from
--cust-space-id or CHATLANE_CUST_SPACE_ID, Meta's business phone number ID from
--phone-number-id or WHATSAPP_PHONE_NUMBER_ID. Files of at most 100 MB (Meta: images 5 MB,
WebP 500 KB, video and audio 16 MB); the type comes from --content-type, else the file's
extension (jpg, png, webp, mp4, 3gp, pdf, ogg, mp3, aac, amr, m4a, doc(x), xls(x), ppt(x),
txt), else application/octet-stream. upload prints the URL to send as the media's \"link\"
(CAMS) or the media ID to send as its \"id\" (Meta), or with --json the UploadedMedia record
(url and key, or id; size, contentType) as in schema/chatlane.schema.json.

info, download and delete are Meta's (CAMS gives media as URLs), for the ID of an upload or
of a user's media (its webhook's media id). download checks the file's SHA-256, and writes
FILE only if it does not exist (--force overwrites it; -o - writes to standard output).
With --sandbox, what is uploaded lives only as long as the command.";

/// Options of `chatlane media`.
#[derive(Debug, Args)]
pub struct MediaArgs {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Upload a file and print what to send it by: its URL (CAMS) or media ID (Meta).
    #[command(after_help = EXAMPLES)]
    Upload(Box<UploadArgs>),
    /// Meta: a media file's type, size, SHA-256 and download URL.
    #[command(after_help = EXAMPLES)]
    Info(Box<InfoArgs>),
    /// Meta: download a media file, its SHA-256 checked, to FILE.
    #[command(after_help = EXAMPLES)]
    Download(Box<DownloadArgs>),
    /// Meta: delete a media file.
    #[command(after_help = EXAMPLES)]
    Delete(Box<DeleteArgs>),
}

/// Options of `chatlane media upload`.
#[derive(Debug, Args)]
struct UploadArgs {
    /// The file to upload.
    file: PathBuf,
    /// Meta: the business phone number ID to upload it for (default:
    /// $WHATSAPP_PHONE_NUMBER_ID; with --sandbox, the sandbox's).
    #[arg(long, value_name = "ID")]
    phone_number_id: Option<String>,
    /// Its media type, e.g. image/png (default: from the file's extension).
    #[arg(long, value_name = "TYPE")]
    content_type: Option<String>,
    /// Print the upload as JSON (UploadedMedia) instead of its URL or media ID.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// The media file `info`, `download` and `delete` act on.
#[derive(Debug, Args)]
struct MediaId {
    /// The media ID: an upload's, or that of a user's media.
    #[arg(value_name = "MEDIA_ID")]
    id: String,
    /// The business phone number ID it must belong to (checked by Meta).
    #[arg(long, value_name = "ID")]
    phone_number_id: Option<String>,
}

impl MediaId {
    /// The core's reference to it.
    fn into_ref(self) -> MediaRef {
        MediaRef { media_id: self.id, phone_number_id: self.phone_number_id }
    }
}

/// Options of `chatlane media info`.
#[derive(Debug, Args)]
struct InfoArgs {
    #[command(flatten)]
    media: MediaId,
    /// Print it as JSON (MediaInfo) instead of text.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Options of `chatlane media download`.
#[derive(Debug, Args)]
struct DownloadArgs {
    #[command(flatten)]
    media: MediaId,
    /// Where to write the file (`-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Overwrite FILE if it exists.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Options of `chatlane media delete`.
#[derive(Debug, Args)]
struct DeleteArgs {
    #[command(flatten)]
    media: MediaId,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Runs `chatlane media`.
pub async fn run(args: MediaArgs) -> ExitCode {
    finish(match args.action {
        Action::Upload(args) => upload(*args).await,
        Action::Info(args) => info(*args).await,
        Action::Download(args) => download(*args).await,
        Action::Delete(args) => delete(*args).await,
    })
}

/// `media upload`: prints the URL (CAMS) or the media ID (Meta), or the record as JSON.
async fn upload(args: UploadArgs) -> Result<(), Failure> {
    let phone_number_id = args.phone_number_id.or_else(|| args.connection.default_sender());
    let target = UploadTarget { cust_space_id: None, phone_number_id };
    let upload = MediaUpload::from_source(MediaSource::Path(args.file), None, args.content_type, target).await?;
    let connection = args.connection.connect(|_| {}).await?;
    let uploaded = connection.client.upload_media(upload).await?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &uploaded).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        // The provider sets the one it sends by: CAMS the URL, Meta the media ID.
        writeln!(out, "{}", uploaded.url.as_deref().or(uploaded.id.as_deref()).unwrap_or_default())?;
    }
    Ok(())
}

/// `media info`: prints what Meta holds of the media, as text or JSON.
async fn info(args: InfoArgs) -> Result<(), Failure> {
    let connection = args.connection.connect(|_| {}).await?;
    let info = connection.client.media_info(&args.media.into_ref()).await?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &info).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        describe(&info, &mut out)?;
    }
    Ok(())
}

/// Writes `info` for a reader, one fact per line.
fn describe(info: &MediaInfo, out: &mut impl Write) -> io::Result<()> {
    let size = info.size.to_string();
    let facts =
        [("id", &info.id), ("type", &info.content_type), ("size", &size), ("sha256", &info.sha256), ("url", &info.url)];
    for (label, value) in facts {
        writeln!(out, "{:<8}{value}", format!("{label}:"))?;
    }
    Ok(())
}

/// `media download`: writes the media to FILE (never over an existing one unless `--force`)
/// or standard output, and a one-line summary to standard error.
async fn download(args: DownloadArgs) -> Result<(), Failure> {
    let to_stdout = args.output.as_os_str() == "-";
    if !to_stdout && !args.force && args.output.symlink_metadata().is_ok() {
        let message = format!("{} exists: give --force to overwrite it", args.output.display());
        return Err(Error::new(ErrorCode::InvalidConfig, message).into());
    }
    let connection = args.connection.connect(|_| {}).await?;
    let media = connection.client.download_media(&args.media.into_ref()).await?;
    let written_to = if to_stdout {
        let mut out = io::stdout().lock();
        out.write_all(&media.data)?;
        out.flush()?;
        "standard output".to_owned()
    } else {
        write_file(&args.output, &media.data, args.force)?;
        args.output.display().to_string()
    };
    eprintln!("{} bytes of {} written to {written_to}", media.data.len(), media.content_type);
    Ok(())
}

/// Writes `data` to a new file at `path`, or over an existing one when `overwrite`; a file
/// that cannot be written is [`ErrorCode::InvalidConfig`] naming it.
fn write_file(path: &Path, data: &[u8], overwrite: bool) -> Result<(), Error> {
    let mut options = OpenOptions::new();
    options.write(true);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    options
        .open(path)
        .and_then(|mut file| file.write_all(data))
        .map_err(|e| Error::new(ErrorCode::InvalidConfig, format!("cannot write {}: {e}", path.display())))
}

/// `media delete`: deletes the media and says so.
async fn delete(args: DeleteArgs) -> Result<(), Failure> {
    let connection = args.connection.connect(|_| {}).await?;
    let media = args.media.into_ref();
    connection.client.delete_media(&media).await?;
    Ok(writeln!(io::stdout().lock(), "deleted media {}", media.media_id)?)
}
