//! The client's reconciliation of sends of unknown outcome ([`Client::reconcile`]): the core
//! does the work; this module reads the settle time and hands back the sends' states.
//!
//! [`Client::reconcile`]: chatlane_core::Client::reconcile

use chatlane_core::reconcile::ReconcilePolicy;
use napi::Env;
use napi::bindgen_prelude::{ClassInstance, PromiseRaw};
use napi_derive::napi;

use crate::completions::settled;
use crate::receiver::{SendStatus, whole};
use crate::{NativeCancellation, NativeClient, guarded, rethrowable, until_cancelled};

#[napi]
impl NativeClient {
    /// Resolves the sends of unknown outcome the client's event store holds, reading history
    /// at least `settle_ms` after each (the core's default when absent). Resolves with every
    /// send that was unknown, in its state now, or with `null` once `cancel` is cancelled;
    /// rejects with a JS error carrying the core error's fields (`InvalidConfig` without an
    /// event store). Throws one (`InvalidParameter`) for a settle time that is not a whole
    /// number, 0 or more.
    #[napi(
        ts_return_type = "Promise<Array<SendStatus> | null>",
        ts_args_type = "settleMs?: number | undefined | null, cancel?: NativeCancellation | undefined | null"
    )]
    pub fn reconcile<'env>(
        &self,
        env: &'env Env,
        settle_ms: Option<f64>,
        cancel: Option<ClassInstance<'env, NativeCancellation>>,
    ) -> napi::Result<PromiseRaw<'env, Option<Vec<SendStatus>>>> {
        guarded(env, || {
            let mut policy = ReconcilePolicy::default();
            if let Some(settle_ms) = settle_ms {
                policy.settle_ms = whole("settleMs", settle_ms).map_err(|error| rethrowable(env, &error))?;
            }
            let (client, cancellation) = (self.inner.clone(), cancel.map(|cancel| cancel.0.clone()));
            let call = async move {
                let records = client.reconcile(&policy).await?;
                Ok(records.into_iter().map(SendStatus::from).collect::<Vec<_>>())
            };
            settled(env, until_cancelled(call, cancellation))
        })
    }
}
