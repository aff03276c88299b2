//! Credentials from an ECS instance's RAM role, against the sandbox's emulated metadata
//! service: the role is discovered, its STS credentials sign the sends, and they are
//! renewed once less than `REFRESH_MARGIN` of their lifetime is left.

use std::net::SocketAddr;
use std::time::Duration;

use chatlane_core::credentials::provider::REFRESH_MARGIN;
use chatlane_core::{Client, ClientConfig, ClientOptions, ErrorCode, Message};
use chatlane_sandbox::metadata::RamRole;
use chatlane_sandbox::{Sandbox, SandboxConfig};

/// A sandbox whose role's credentials are fresh for `fresh_for` after they are issued.
async fn sandbox(fresh_for: Duration) -> Sandbox {
    let lifetime_seconds = (REFRESH_MARGIN + fresh_for).as_secs();
    let config =
        SandboxConfig { ram_role: RamRole { lifetime_seconds, ..RamRole::default() }, ..SandboxConfig::default() };
    Sandbox::start(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap()
}

fn client(sandbox: &Sandbox, role: &str) -> Client {
    let options = ClientOptions {
        endpoint: Some(sandbox.endpoint()),
        ecs_ram_role: Some(role.to_owned()),
        ecs_metadata_endpoint: Some(sandbox.endpoint()),
        ..ClientOptions::default()
    };
    Client::new(ClientConfig::from_options(options).unwrap()).unwrap()
}

fn text() -> Message {
    Message::text("8613800000000", "6591234567", "signed by the role")
}

#[tokio::test]
async fn the_roles_credentials_sign_the_sends_and_are_renewed_before_they_expire() {
    let sandbox = sandbox(Duration::from_secs(4)).await;
    let client = client(&sandbox, "");
    assert!(client.credentials().is_none(), "nothing is fetched before the first send");

    client.send(&text()).await.unwrap();
    client.send(&text()).await.unwrap();
    assert_eq!(sandbox.issued_credentials(), 1, "fresh credentials are reused");
    assert!(client.credentials().unwrap().security_token().is_some());

    tokio::time::sleep(Duration::from_millis(4_500)).await;
    client.send(&text()).await.unwrap();
    assert_eq!(sandbox.issued_credentials(), 2, "renewed within the margin");
    assert_eq!(sandbox.ledger().len(), 3);
}

#[tokio::test]
async fn an_unknown_role_is_missing_credentials_and_sends_nothing() {
    let sandbox = sandbox(Duration::from_secs(3600)).await;
    let error = client(&sandbox, "someone-elses-role").send(&text()).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::MissingCredentials, "{error}");
    assert_eq!(error.attempts(), 0);
    assert!(sandbox.ledger().is_empty());
}
