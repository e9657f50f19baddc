//! The README's quick start, as written there (a test checks that the two agree, and
//! `cargo xtask demo` runs it against moto server).
// An example shows its results.
#![allow(clippy::print_stdout)]

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Region, credentials, retries and endpoints, as the AWS SDKs load them.
    let config = signet::load().await?;
    println!("region: {}", config.region());

    // A typed STS call...
    let me = config.sts_client().await?.get_caller_identity().await?;
    println!("account {} as {}", me.account, me.arn);

    // ...and a signed, retried call to any AWS API.
    let response = config
        .client()
        .request(&signet::Service::STS, signet::Method::POST, "/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
        .send()
        .await?;
    println!("HTTP {} after {} attempt(s)", response.status(), response.attempts());
    Ok(())
}
