//! A burst handled once: the first call schedules the work a moment later, and every call
//! until it runs joins it. The work reads (or takes) what has gathered by then, so nothing
//! said in the meantime is left out.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_core::assistant::send::SendEvent;

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
        let run = async move {
            tokio::time::sleep(after).await;
            // Cleared before the work reads: a change from here on schedules another run.
            this.due.store(false, Ordering::Release);
            then();
        };
        // On the runtime of the caller when there is one (a command; a test's own clock),
        // else on the app's (a callback from a thread of the core's).
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn(run)),
            Err(_) => drop(tauri::async_runtime::spawn(run)),
        }
    }
}

/// An answer's streamed text on its way to the page, gathered: the chunks that arrive within
/// `after` of the first reach `deliver` as one `Text` event. Any other event delivers what
/// has gathered first, so the page hears everything in the order it was said.
pub struct GatheredText<D> {
    deliver: D,
    after: Duration,
    /// The message the text belongs to, and the text not yet delivered.
    pending: Mutex<Option<(String, String)>>,
    due: Arc<Gather>,
}

impl<D: Fn(SendEvent) + Send + Sync + 'static> GatheredText<D> {
    pub fn new(after: Duration, deliver: D) -> Arc<Self> {
        Arc::new(Self {
            deliver,
            after,
            pending: Mutex::new(None),
            due: Arc::default(),
        })
    }

    pub fn forward(self: &Arc<Self>, event: SendEvent) {
        let mut pending = self.pending.lock().expect("pending text lock");
        match event {
            SendEvent::Text { message_id, chunk } => {
                match pending.as_mut() {
                    Some((id, text)) if *id == message_id => text.push_str(&chunk),
                    _ => {
                        self.deliver_pending(&mut pending);
                        *pending = Some((message_id, chunk));
                    }
                }
                drop(pending);
                let this = self.clone();
                self.due.soon(self.after, move || this.flush());
            }
            other => {
                self.deliver_pending(&mut pending);
                (self.deliver)(other);
            }
        }
    }

    /// Delivers what has gathered now (the send has ended, or its moment has come).
    pub fn flush(&self) {
        self.deliver_pending(&mut self.pending.lock().expect("pending text lock"));
    }

    // Delivered while the lock is held: a chunk after it cannot overtake it.
    fn deliver_pending(&self, pending: &mut Option<(String, String)>) {
        if let Some((message_id, chunk)) = pending.take() {
            (self.deliver)(SendEvent::Text { message_id, chunk });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AFTER: Duration = Duration::from_millis(32);

    fn text(id: &str, chunk: &str) -> SendEvent {
        SendEvent::Text {
            message_id: id.into(),
            chunk: chunk.into(),
        }
    }

    /// What the page heard, in order: `id:text` for text, the kind for anything else.
    fn heard() -> (
        Arc<Mutex<Vec<String>>>,
        impl Fn(SendEvent) + Send + Sync + 'static,
    ) {
        let heard = Arc::new(Mutex::new(Vec::new()));
        let into = heard.clone();
        (heard, move |event: SendEvent| {
            let said = match event {
                SendEvent::Text { message_id, chunk } => format!("{message_id}:{chunk}"),
                SendEvent::Retrying { .. } => "retrying".into(),
                SendEvent::Started { .. } => "started".into(),
                SendEvent::Finished { .. } => "finished".into(),
                SendEvent::Failed { .. } => "failed".into(),
            };
            into.lock().unwrap().push(said);
        })
    }

    fn retrying() -> SendEvent {
        SendEvent::Retrying {
            message_id: "a".into(),
            after_seconds: 1.0,
            reason: switchboard_core::vocabulary::Reason {
                kind: switchboard_core::vocabulary::ReasonKind::ElevatedErrors,
                side: switchboard_core::vocabulary::Side::Provider,
                source: switchboard_core::vocabulary::EvidenceSource::OwnRequests,
                headline: "Server errors".into(),
                message: "Trying again.".into(),
            },
        }
    }

    #[tokio::test(start_paused = true)]
    async fn chunks_that_arrive_together_reach_the_page_as_one_and_a_pause_does_not_hold_them() {
        let (heard, deliver) = heard();
        let gathered = GatheredText::new(AFTER, deliver);
        for chunk in ["The ", "Rhine ", "flows "] {
            gathered.forward(text("a", chunk));
        }
        assert!(heard.lock().unwrap().is_empty(), "gathered, not yet sent");
        tokio::time::sleep(AFTER * 2).await;
        assert_eq!(*heard.lock().unwrap(), ["a:The Rhine flows "]);
        // The model pauses after a chunk: it is on screen a moment later, not at the next one.
        gathered.forward(text("a", "north."));
        tokio::time::sleep(AFTER * 2).await;
        assert_eq!(*heard.lock().unwrap(), ["a:The Rhine flows ", "a:north."]);
    }

    #[tokio::test(start_paused = true)]
    async fn any_other_event_sends_the_gathered_text_first_and_keeps_the_order() {
        let (heard, deliver) = heard();
        let gathered = GatheredText::new(AFTER, deliver);
        gathered.forward(text("a", "Half an "));
        gathered.forward(retrying());
        gathered.forward(text("a", "answer"));
        gathered.forward(text("b", "Another"));
        gathered.flush();
        assert_eq!(
            *heard.lock().unwrap(),
            ["a:Half an ", "retrying", "a:answer", "b:Another"],
            "nothing is held back by the gathering once the send has ended"
        );
        tokio::time::sleep(AFTER * 2).await;
        assert_eq!(heard.lock().unwrap().len(), 4, "and nothing is sent twice");
    }
}
