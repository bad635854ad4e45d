//! A burst handled once: the first call schedules the work a moment later, and every call
//! until it runs joins it. The work reads (or takes) what has gathered by then, so nothing
//! said in the meantime is left out.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(Default)]
pub struct Gather {
    due: AtomicBool,
}

impl Gather {
    /// Runs `then` once, `after` from now, unless a run is already on its way.
    pub fn soon(self: &Arc<Self>, after: Duration, then: impl FnOnce() + Send + 'static) {
        if self.due.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = self.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(after).await;
            // Cleared before the work reads: a change from here on schedules another run.
            this.due.store(false, Ordering::Release);
            then();
        });
    }
}
