//! The bare window: what a Tauri 2 app costs before it does anything. Its page says when it
//! has painted, as Switchboard's does, so the two are timed the same way.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Called by the page once it has painted: the line the benchmark waits for; on stderr, how
/// long the page took from its navigation (Switchboard logs the same, to see where the
/// difference lies).
#[tauri::command]
fn painted(page_ms: f64) {
    println!("painted");
    eprintln!("page painted {page_ms:.0} ms after its navigation began");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
        .expect("the bare window runs");
}
