//! What every integration test against the simulator starts from.

use switchboard_core::catalog::Catalog;
use switchboard_sim::{Scenario, SimOptions, Simulator};

/// The simulator on a free port, its scenario time moving only when the test says so.
pub async fn simulator(scenario: Scenario) -> Simulator {
    Simulator::start(
        scenario,
        SimOptions {
            port: None,
            manual_clock: true,
        },
    )
    .await
    .expect("the simulator starts")
}

/// The shipped catalog with every provider's API pointed at the simulator.
#[allow(dead_code)] // not every test binary uses every helper
pub fn catalog_at(sim: &Simulator) -> Catalog {
    let mut catalog = Catalog::shipped().expect("the shipped catalog");
    for provider in &mut catalog.providers {
        provider.base_url = sim.provider_url(&provider.id);
    }
    catalog
}
