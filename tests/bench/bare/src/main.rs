//! The bare window: what a Tauri 2 app costs before it does anything. Its page says when it
//! has painted, as Switchboard's does, so the two are timed the same way.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Called by the page once it has painted: the line the benchmark waits for.
#[tauri::command]
fn painted() {
    println!("painted");
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![painted])
        .run(tauri::generate_context!())
        .expect("the bare window runs");
}
