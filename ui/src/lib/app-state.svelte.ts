// The window's shared state: one class, handed to components through a context pair.
import { getContext, setContext } from "svelte";
import { type Backend, isUiError, sameModel } from "./backend/backend";
import type { ModelAvailability, ModelRef, Notice, Overview } from "./bindings";

const KEY = Symbol("switchboard-app-state");

export class AppState {
  overview = $state<Overview | null>(null);
  /** What went wrong loading or saving, in words. */
  error = $state<string | null>(null);
  dismissed = $state<string[]>([]);

  readonly #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  availability = $derived.by(() => {
    const map = new Map<string, ModelAvailability>();
    for (const a of this.overview?.availability ?? []) map.set(key(a.model), a);
    return map;
  });

  preferred = $derived(this.overview?.preferred ?? null);

  preferredModel = $derived.by(() => {
    const p = this.preferred;
    return p ? (this.overview?.models.find((m) => m.provider === p.provider && m.id === p.model) ?? null) : null;
  });

  notices = $derived((this.overview?.notices ?? []).filter((n) => !this.dismissed.includes(noticeKey(n))));

  availabilityOf(model: ModelRef): ModelAvailability | undefined {
    return this.availability.get(key(model));
  }

  isPreferred(model: ModelRef): boolean {
    return sameModel(this.preferred, model);
  }

  async load(): Promise<void> {
    try {
      this.overview = await this.#backend.overview();
      this.error = null;
      await this.#backend.onAvailabilityChanged((a) => this.#replace(a));
    } catch (e) {
      this.error = describe(e);
    }
  }

  async choose(model: ModelRef): Promise<void> {
    try {
      const chosen = await this.#backend.setPreferredModel(model);
      if (this.overview) this.overview.preferred = chosen;
      this.error = null;
    } catch (e) {
      this.error = describe(e);
    }
  }

  dismiss(notice: Notice): void {
    this.dismissed.push(noticeKey(notice));
  }

  #replace(next: ModelAvailability): void {
    if (!this.overview) return;
    const list = this.overview.availability;
    const i = list.findIndex((a) => sameModel(a.model, next.model));
    if (i >= 0) list[i] = next;
    else list.push(next);
  }
}

function key(model: ModelRef): string {
  return `${model.provider}/${model.model}`;
}

function noticeKey(notice: Notice): string {
  return `${notice.kind}:${notice.message}`;
}

function describe(e: unknown): string {
  if (isUiError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

export function setAppState(state: AppState): AppState {
  return setContext(KEY, state);
}

export function getAppState(): AppState {
  return getContext<AppState>(KEY);
}
