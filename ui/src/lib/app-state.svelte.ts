// The window's shared state: one class, handed to components through a context pair.
import { getContext, setContext } from "svelte";
import { type Backend, type ShownError, describe, sameModel } from "./backend/backend";
import type { ModelAvailability, ModelRef, Notice, Overview } from "./bindings";

const KEY = Symbol("switchboard-app-state");

export class AppState {
  /**
   * What the core last said, replaced whole, never watched deeply: a keystroke in the
   * picker's filter reads six fields of each of a thousand models, and through a deep proxy
   * each read was a tracked signal.
   */
  overview = $state.raw<Overview | null>(null);
  /** What went wrong loading or saving, in words. */
  error = $state<ShownError | null>(null);
  dismissed = $state<string[]>([]);
  /** True while the providers' model lists are being read on request. */
  refreshing = $state(false);
  /** Why the last refresh on request failed, in words; the page keeps what it had. */
  refreshError = $state<ShownError | null>(null);

  readonly #backend: Backend;
  /** Counts overview reads, so an older answer never overwrites a newer one. */
  #reads = 0;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /**
   * Every model's availability, by model: replaced whole rather than watched deeply, so a
   * burst of a thousand changes is one update, and only the rows whose state changed redraw.
   */
  availability = $state.raw(new Map<string, ModelAvailability>());
  /** The same, as a list (the board's input). */
  availabilityList = $derived([...this.availability.values()]);

  preferred = $derived(this.overview?.preferred ?? null);

  preferredModel = $derived.by(() => {
    const p = this.preferred;
    return p ? (this.overview?.models.find((m) => m.provider === p.provider && m.id === p.model) ?? null) : null;
  });

  /** The model offered in place of a retired preferred one (never switched to without a click). */
  replacement = $derived.by(() => {
    const r = this.overview?.preferred_replacement;
    return r ? (this.overview?.models.find((m) => m.provider === r.provider && m.id === r.model) ?? null) : null;
  });

  notices = $derived((this.overview?.notices ?? []).filter((n) => !this.dismissed.includes(noticeKey(n))));

  availabilityOf(model: ModelRef): ModelAvailability | undefined {
    return this.availability.get(key(model));
  }

  isPreferred(model: ModelRef): boolean {
    return sameModel(this.preferred, model);
  }

  /** Listens for changes, then reads the overview: nothing said in between is missed. */
  async load(): Promise<void> {
    try {
      // Asked together: each is a round trip to the core, and the first frame waits for them.
      await Promise.all([
        this.#backend.onAvailabilityChanged((a) => this.#changed(a)),
        this.#backend.onCatalogChanged(() => void this.reload()),
        // Chosen in the tray: the window follows.
        this.#backend.onPreferredModelChanged((model) => {
          if (this.overview) this.overview = { ...this.overview, preferred: model };
        }),
      ]);
    } catch (e) {
      this.error = describe(e);
    }
    await this.reload();
  }

  /** Reads the overview again (new models, retired ones, a fresh replacement offer). */
  async reload(): Promise<void> {
    const read = ++this.#reads;
    try {
      performance.mark("overview-asked");
      const overview = await this.#backend.overview();
      performance.mark("overview");
      if (read !== this.#reads) return;
      this.availability = new Map(overview.availability.map((a) => [key(a.model), a]));
      this.overview = overview;
      this.error = null;
    } catch (e) {
      if (read === this.#reads) this.error = describe(e);
    }
  }

  /** Asks every provider for its model list, then reads the overview again. */
  async refreshModelLists(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    this.refreshError = null;
    try {
      await this.#backend.refreshModelLists();
      await this.reload();
    } catch (e) {
      const shown = describe(e);
      this.refreshError = { ...shown, message: `Could not read the model lists: ${shown.message}` };
    } finally {
      this.refreshing = false;
    }
  }

  async choose(model: ModelRef): Promise<void> {
    try {
      const chosen = await this.#backend.setPreferredModel(model);
      this.error = null;
      if (!this.overview) return;
      this.overview = { ...this.overview, preferred: chosen, preferred_replacement: null };
      // Choosing a retired model: ask the core which model to offer instead.
      if (this.availabilityOf(chosen)?.reason.kind === "model_retired") await this.reload();
    } catch (e) {
      this.error = describe(e);
    }
  }

  dismiss(notice: Notice): void {
    this.dismissed.push(noticeKey(notice));
  }

  /** A burst (a policy turning a thousand models off, the first status reading) in one step. */
  #changed(changes: ModelAvailability[]): void {
    if (this.overview) {
      const next = new Map(this.availability);
      for (const change of changes) next.set(key(change.model), change);
      this.availability = next;
    }
    // The preferred model was retired: the core has worked out what to offer instead.
    if (changes.some((next) => next.reason.kind === "model_retired" && this.isPreferred(next.model))) void this.reload();
  }
}

function key(model: ModelRef): string {
  return `${model.provider}/${model.model}`;
}

function noticeKey(notice: Notice): string {
  return `${notice.kind}:${notice.message}`;
}


export function setAppState(state: AppState): AppState {
  return setContext(KEY, state);
}

export function getAppState(): AppState {
  return getContext<AppState>(KEY);
}
