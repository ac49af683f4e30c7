//! `ftpx demo`.
use anyhow::Result;
use crate::app::Context;
pub async fn run(_ctx: &Context) -> Result<u8> { Ok(0) }
