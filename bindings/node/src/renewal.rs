//! A Meta client's token handed to the core whole: `new Client({provider: 'meta', accessToken,
//! renewWith, onTokenRenewed, tokenRenewalMarginMs})`. An `AccessToken` brings its expiry and
//! scopes; with `renewWith` (a `MetaApp`) the core renews the token before it expires and
//! passes each new one to `onTokenRenewed` on the JS thread, through a weak threadsafe
//! function: queued without blocking the send that renewed, never keeping the event loop
//! alive. `index.js` wraps the callback so that what it throws never reaches the send.

use std::time::Duration;

use chatlane_core::oauth::{self, TokenSource};
use napi::bindgen_prelude::{ClassInstance, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status};
use napi_derive::napi;

use crate::oauth::{NativeAccessToken, NativeMetaApp, TokenArgument, access_token};
use crate::{invalid, rethrowable};

/// `index.js`'s wrapper of `onTokenRenewed`, called with each renewed token.
pub type OnRenewed<'env> = Function<'env, NativeAccessToken, ()>;

/// The wrapper, callable from any thread; weak: it never keeps the event loop alive.
type Notify = ThreadsafeFunction<NativeAccessToken, (), NativeAccessToken, Status, false, true>;

/// The token options `index.js` takes out of client options, with native handles.
#[napi(object, object_to_js = false)]
pub struct TokenSettings<'env> {
    /// `accessToken`: the token's value, or an `AccessToken`'s handle.
    pub access_token: Option<TokenArgument<'env>>,
    /// `renewWith`: the app that renews the token.
    pub renew_with: Option<ClassInstance<'env, NativeMetaApp>>,
    /// `onTokenRenewed`, wrapped: called with each renewed token.
    pub on_renewed: Option<OnRenewed<'env>>,
    /// `tokenRenewalMarginMs`: how long before its expiry the token is renewed.
    pub margin_ms: Option<f64>,
}

/// The core's token source of `settings`: the token as is, or renewed with `renewWith`. Throws
/// a JS error carrying the `InvalidConfig` error for no token, for `onTokenRenewed` or a margin
/// without `renewWith`, or for a margin that is not a number of milliseconds, 0 or more.
pub fn token_source(env: &Env, settings: TokenSettings) -> napi::Result<TokenSource> {
    let refused = |why: &str| rethrowable(env, &invalid("client options", why));
    let margin = settings
        .margin_ms
        .map(|ms| Duration::try_from_secs_f64(ms / 1000.0))
        .transpose()
        .map_err(|_| refused("tokenRenewalMarginMs must be a number of milliseconds, 0 or more"))?;
    let on_renewed = match settings.on_renewed {
        Some(callback) => {
            let notify: Notify = callback.build_threadsafe_function().weak::<true>().build()?;
            // Fails only once the environment is torn down: nobody is left to keep the token.
            let call = move |token: &oauth::AccessToken| {
                notify.call(NativeAccessToken::from(token.clone()), ThreadsafeFunctionCallMode::NonBlocking);
            };
            Some(Box::new(call) as oauth::OnRenewed)
        }
        None => None,
    };
    let settings = oauth::TokenSettings {
        token: settings.access_token.map(access_token),
        renewer: settings.renew_with.map(|app| app.renewer()),
        margin,
        on_renewed,
    };
    match settings.source() {
        Ok(Some(source)) => Ok(source),
        Ok(None) => Err(refused("renewWith, onTokenRenewed and tokenRenewalMarginMs need a Meta accessToken")),
        Err(error) => Err(rethrowable(env, &error)),
    }
}
