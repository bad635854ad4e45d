# Switchboard — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := run

# What the app needs to build and run on Debian 12 / Ubuntu.
APP_PACKAGES := build-essential pkg-config libwebkit2gtk-4.1-dev libxdo-dev libssl-dev \
                libayatana-appindicator3-dev librsvg2-dev
# What the end-to-end tests add: WebKit's WebDriver, a virtual display, D-Bus tools.
TEST_PACKAGES := webkit2gtk-driver xvfb xauth dbus-x11
CARGO ?= cargo
NPM ?= npm
# The Tauri CLI (packaging, icons, `tauri dev`), pinned to the Tauri we build with. Not in
# ui/package.json: its per-platform binaries would make `npm ci` fail on mirrors that carry
# only this platform's.
TAURI_CLI := npx --yes @tauri-apps/cli@2.12.5
TAURI_DRIVER := $(or $(shell command -v tauri-driver 2>/dev/null),$(HOME)/.cargo/bin/tauri-driver)

# Installs missing Debian packages when root; otherwise prints the exact command and stops.
define ensure_packages
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "Switchboard needs these Debian packages. Install them with:"; \
	    echo; echo "  sudo apt-get install -y$$missing"; echo; exit 1; \
	  fi; \
	fi
endef

.PHONY: core-is-tauri-free run test demo bench fuzz deps test-deps ui bindings package dev icons screenshots clean

## make run: install what is missing, build the UI and the app, open the window.
run: deps ui
	$(CARGO) run -p switchboard

## make test: formatting, lints, every Rust test (unit, integration, end-to-end), UI tests and type check.
test: test-deps ui core-is-tauri-free
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) build -p switchboard
	$(CARGO) test --workspace
	cd ui && $(NPM) test
	cd ui && $(NPM) run check

# The core is Tauri-free by construction, not by convention: this fails the moment anything
# in switchboard-core (or what it pulls in) depends on Tauri or its WebView.
core-is-tauri-free:
	@found=$$($(CARGO) tree -p switchboard-core -e normal --prefix none --format '{p}' \
	  | awk '{print $$1}' | grep -xE 'tauri|tauri-.*|wry|webkit2gtk.*' | sort -u); \
	if [ -n "$$found" ]; then \
	  echo "switchboard-core must not depend on Tauri, but it pulls in: $$found"; exit 1; \
	fi; echo "switchboard-core depends on no Tauri crate"

## make demo: the window against the provider simulator replaying the June 2026 incident.
DEMO_DIR := target/demo
DEMO_SCENARIO ?= june-2026
demo: deps ui
	$(CARGO) build -p switchboard -p switchboard-sim
	@rm -rf $(DEMO_DIR) && mkdir -p $(DEMO_DIR)
	@target/debug/switchboard-sim --scenario $(DEMO_SCENARIO) --write-config $(DEMO_DIR)/config.toml \
	    > $(DEMO_DIR)/simulator.log 2>&1 & sim=$$!; \
	  trap 'kill $$sim 2>/dev/null' EXIT INT TERM; \
	  for i in $$(seq 100); do [ -s $(DEMO_DIR)/config.toml ] && break; sleep 0.1; done; \
	  [ -s $(DEMO_DIR)/config.toml ] || { cat $(DEMO_DIR)/simulator.log; exit 1; }; \
	  echo "Simulator: $$(head -1 $(DEMO_DIR)/simulator.log) (log: $(DEMO_DIR)/simulator.log)"; \
	  SWITCHBOARD_CONFIG=$(DEMO_DIR)/config.toml SWITCHBOARD_DATA_DIR=$(DEMO_DIR)/data \
	  ANTHROPIC_API_KEY=sim-demo-key OPENAI_API_KEY=sim-demo-key GEMINI_API_KEY=sim-demo-key \
	  target/debug/switchboard

deps:
	@command -v $(CARGO) >/dev/null || { echo "Rust is needed: https://rustup.rs (curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh)"; exit 1; }
	@command -v $(NPM) >/dev/null || { echo "Node.js 20+ and npm are needed: sudo apt-get install -y nodejs npm"; exit 1; }
	$(call ensure_packages,$(APP_PACKAGES))
	@[ ui/node_modules/.package-lock.json -nt ui/package-lock.json ] || (cd ui && $(NPM) ci --no-audit --no-fund)

test-deps: deps
	$(call ensure_packages,$(TEST_PACKAGES))
	@[ -x "$(TAURI_DRIVER)" ] || $(CARGO) install tauri-driver --version '^2' --locked

ui: deps
	cd ui && $(NPM) run build

## make bench: the benchmarks (criterion), each figure beside its baseline from the same run;
## then start-up, memory and idle CPU of the release build against a bare Tauri window, the
## window at scale (1,000 models) and the June 2026 replay (lead time, return, memory).
bench: test-deps ui
	$(CARGO) bench -p switchboard-core --bench health --bench fallback
	$(CARGO) build -p switchboard
	$(CARGO) bench -p switchboard-e2e --bench window
	$(CARGO) build --release -p switchboard -p switchboard-bare
	# The two packages, for their sizes in the start-up table.
	$(TAURI_CLI) build --bundles deb
	cd tests/bench/bare && $(TAURI_CLI) build --bundles deb
	$(CARGO) bench -p switchboard-e2e --bench startup
	SWITCHBOARD_BIN=$(CURDIR)/target/release/switchboard $(CARGO) bench -p switchboard-e2e --bench scale
	SWITCHBOARD_BIN=$(CURDIR)/target/release/switchboard $(CARGO) bench -p switchboard-e2e --bench replay

## make screenshots: every view in the light and the dark theme, from the built app under
## Xvfb against the simulator, as PNGs in SCREENSHOTS_DIR; not part of make test.
SCREENSHOTS_DIR ?= target/screenshots
screenshots: test-deps ui
	$(CARGO) build -p switchboard
	$(CARGO) run -p switchboard-e2e --example screenshots -- $(SCREENSHOTS_DIR)

## make fuzz: every reader of untrusted bytes (status pages, Atom, SSE, error bodies, model
## lists, policies) fed FUZZ_CASES arbitrary and near-valid inputs each; not part of make test.
FUZZ_CASES ?= 100000
fuzz: deps ui
	FUZZ_CASES=$(FUZZ_CASES) $(CARGO) test -p switchboard-core --test fuzz -- --ignored --nocapture

## make bindings: regenerate ui/src/lib/bindings.ts from the Rust types.
bindings: ui
	UPDATE_BINDINGS=1 $(CARGO) test -p switchboard --lib commands::tests::typescript_bindings_are_fresh

## make package: a .deb in target/release/bundle/deb/.
package: deps ui
	$(TAURI_CLI) build --bundles deb
	@ls -1 target/release/bundle/deb/*.deb

## make dev: the window on the Vite dev server, with hot reload.
dev: deps
	$(TAURI_CLI) dev

## make icons: the app icons, from icons/icon.svg, and the tray's, from icons/tray/*.svg.
icons: deps
	$(TAURI_CLI) icon icons/icon.svg -o icons
	rm -rf icons/android icons/ios icons/Square*Logo.png icons/StoreLogo.png
	for svg in icons/tray/*.svg; do \
	  out=$$(mktemp -d); $(TAURI_CLI) icon $$svg -o $$out >/dev/null && \
	  cp $$out/64x64.png $${svg%.svg}.png; rm -rf $$out; \
	done

clean:
	$(CARGO) clean
	rm -rf ui/dist ui/node_modules
