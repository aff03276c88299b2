//! `chatlane bulk --job NAME`: one CSV job shared by several workers (on several hosts)
//! through Redis, so together they send every row once.
//!
//! Each row is claimed atomically before it is sent (one script: a row nobody holds, or one
//! that definitely failed, is claimed with its TaskId; any other is left alone), and its
//! outcome replaces the claim. Workers keep a heartbeat key alive while they run; a row still
//! claimed by a worker whose heartbeat has expired died mid-send, so the next worker to meet
//! it marks it `unknown`: it may have arrived, and it is never re-sent blindly (reconcile it
//! by its TaskId). The job's rows are exported to the results file at the end of each run.
//!
//! Keys: `cl:1:job:{NAME}:rows` (hash: recipient → row) and `cl:1:job:{NAME}:worker:<id>`.

use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::MultiplexedConnection;
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

use crate::results::Row;

/// How long a worker's heartbeat lives without renewal: after that, its claims count as dead.
pub const HEARTBEAT_TTL: Duration = Duration::from_secs(5);
/// How often a worker renews its heartbeat.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);

/// Claims a row (see the module doc). Answers `claimed`, or the status the row keeps.
static CLAIM: LazyLock<redis::Script> = LazyLock::new(|| {
    redis::Script::new(
        r"
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local entry = cjson.decode(current)
  if entry.status == 'pending' and redis.call('EXISTS', ARGV[3] .. entry.worker) == 0 then
    entry.status = 'unknown'
    redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(entry))
    return 'unknown'
  end
  if entry.status ~= 'failed' then return entry.status end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'claimed'
",
    )
});

/// A row as the job keeps it: the results file's row and the worker that wrote it.
#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    row: Row,
    worker: String,
}

/// What claiming a row found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// This worker sends it.
    Mine,
    /// Another worker sent it.
    Sent,
    /// It may have arrived (now or in an earlier run): never re-sent.
    Unknown,
    /// Another live worker is sending it.
    Elsewhere,
}

/// One worker's hold on a shared job.
pub struct SharedJob {
    connection: MultiplexedConnection,
    rows: String,
    workers: String,
    worker: String,
    heartbeat: JoinHandle<()>,
}

impl SharedJob {
    /// Joins job `name` on the Redis at `url` as a new worker (its heartbeat starts now).
    pub async fn join(url: &str, name: &str) -> Result<Self, String> {
        if name.is_empty() || name.chars().any(|c| c.is_control() || c.is_whitespace() || c == '{' || c == '}') {
            return Err("--job must be a name without spaces, braces or control characters".to_owned());
        }
        let client = redis::Client::open(url).map_err(|_| "--redis is not a redis:// URL".to_owned())?;
        let mut connection =
            client.get_multiplexed_async_connection().await.map_err(|e| format!("cannot reach Redis: {e}"))?;
        let prefix = format!("cl:1:job:{{{name}}}");
        let worker = chatlane_core::random_id();
        let workers = format!("{prefix}:worker:");
        let beat = format!("{workers}{worker}");
        beat_once(&mut connection, &beat).await.map_err(|e| format!("cannot reach Redis: {e}"))?;
        let mut beating = connection.clone();
        let heartbeat = tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT_EVERY).await;
                let _ = beat_once(&mut beating, &beat).await;
            }
        });
        Ok(Self { connection, rows: format!("{prefix}:rows"), workers, worker, heartbeat })
    }

    /// Claims `row` (pending, with its TaskId) for this worker, or says who has it.
    pub async fn claim(&self, row: &Row) -> Result<Claim, String> {
        let entry = serde_json::to_string(&self.entry(row)).expect("rows serialise");
        let mut invocation = CLAIM.key(&self.rows);
        invocation.arg(&row.recipient).arg(entry).arg(&self.workers);
        let answer: String =
            invocation.invoke_async(&mut self.connection.clone()).await.map_err(|e| format!("Redis: {e}"))?;
        Ok(match answer.as_str() {
            "claimed" => Claim::Mine,
            "sent" => Claim::Sent,
            "pending" => Claim::Elsewhere,
            _ => Claim::Unknown,
        })
    }

    /// Records a row's outcome.
    pub async fn record(&self, row: &Row) -> Result<(), String> {
        let entry = serde_json::to_string(&self.entry(row)).expect("rows serialise");
        let mut connection = self.connection.clone();
        connection.hset::<_, _, _, ()>(&self.rows, &row.recipient, entry).await.map_err(|e| format!("Redis: {e}"))
    }

    /// Writes every row of the job, by recipient, to the results file at `path` (replaced).
    pub async fn export(&self, path: &Path) -> Result<usize, String> {
        let mut connection = self.connection.clone();
        let entries: Vec<(String, String)> = connection.hgetall(&self.rows).await.map_err(|e| format!("Redis: {e}"))?;
        let mut rows: Vec<Row> = entries
            .into_iter()
            .filter_map(|(_, text)| serde_json::from_str::<Entry>(&text).ok().map(|entry| entry.row))
            .collect();
        rows.sort_by(|a, b| a.recipient.cmp(&b.recipient));
        let mut writer = csv::Writer::from_path(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        for row in &rows {
            writer.serialize(row).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        writer.flush().map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(rows.len())
    }

    /// Leaves the job: the heartbeat stops and its key goes.
    pub async fn leave(self) {
        self.heartbeat.abort();
        let mut connection = self.connection.clone();
        let _: Result<(), _> = connection.del(format!("{}{}", self.workers, self.worker)).await;
    }

    fn entry(&self, row: &Row) -> Entry {
        Entry { row: row.clone(), worker: self.worker.clone() }
    }
}

/// Renews this worker's heartbeat key.
async fn beat_once(connection: &mut MultiplexedConnection, key: &str) -> redis::RedisResult<()> {
    let ttl = u64::try_from(HEARTBEAT_TTL.as_millis()).unwrap_or(u64::MAX);
    connection.pset_ex(key, 1, ttl).await
}
