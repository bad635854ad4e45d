//! What the benchmarks share: what they read of a running app from `/proc` (its processes,
//! the app and its WebKit children; their memory, PSS; the CPU time they have used), the
//! spread of a figure over rounds, and `cargo bench`'s filter.

use std::collections::HashMap;

/// Every process under `root` (itself included), but the session bus: it is the test's, not
/// the app's.
pub fn tree(root: u32) -> Vec<u32> {
    let mut parents: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut names: HashMap<u32, String> = HashMap::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // "pid (name) state ppid …": the name may hold spaces, so read after the last ')'.
        let Some((head, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let name = head
            .split_once('(')
            .map(|(_, n)| n)
            .unwrap_or("")
            .to_string();
        let Some(ppid) = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok()) else {
            continue;
        };
        parents.entry(ppid).or_default().push(pid);
        names.insert(pid, name);
    }
    let mut all = vec![root];
    let mut i = 0;
    while i < all.len() {
        if let Some(children) = parents.get(&all[i]) {
            all.extend(children);
        }
        i += 1;
    }
    all.into_iter()
        .filter(|pid| !names.get(pid).is_some_and(|n| n.starts_with("dbus-")))
        .collect()
}

/// Proportional set size of `pids`, in MB.
pub fn pss_mb(pids: &[u32]) -> f64 {
    let kib: u64 = pids
        .iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|text| {
            text.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .sum();
    kib as f64 / 1024.0
}

/// PSS of each of `pids` by its process name (the app, WebKit's web and network processes),
/// in MB, largest first.
pub fn pss_by_name(pids: &[u32]) -> Vec<(String, f64)> {
    let mut by_name: Vec<(String, f64)> = Vec::new();
    for &pid in pids {
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|n| n.trim().to_string())
            .unwrap_or_default();
        let mb = pss_mb(&[pid]);
        match by_name.iter_mut().find(|(n, _)| *n == name) {
            Some((_, total)) => *total += mb,
            None => by_name.push((name, mb)),
        }
    }
    by_name.sort_by(|a, b| b.1.total_cmp(&a.1));
    by_name
}

/// CPU time used by `pids` so far, in clock ticks (1/100 s).
pub fn cpu_ticks(pids: &[u32]) -> u64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok())
        .filter_map(|stat| {
            let (_, rest) = stat.rsplit_once(')')?;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            // utime and stime: the 14th and 15th fields, the 12th and 13th after the name.
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .sum()
}

/// The first process under `root` (itself included) named `name`: the app under tauri-driver
/// and WebKitWebDriver, say.
pub fn find(root: u32, name: &str) -> Option<u32> {
    tree(root).into_iter().find(|pid| {
        std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim() == name)
    })
}

/// Min, median and max of `v` (not empty).
pub fn spread(v: &[f64]) -> (f64, f64, f64) {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

/// Whether `cargo bench` was given a filter that does not name the bench `name` (it passes
/// `--bench` too): then the bench skips itself.
pub fn filtered_out(name: &str) -> bool {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str()))
}
