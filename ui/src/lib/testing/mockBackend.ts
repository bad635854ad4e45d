// A Backend for Vitest: the shipped catalog's shape, in memory, recording what the UI asked.
import type { Backend } from "../backend/backend";
import type {
  Board,
  Choice,
  Consent,
  Draft,
  Episode,
  Format,
  ConsentScope,
  Conversation,
  ConversationView,
  FallbackEvent,
  KeyCheck,
  ProviderSetup,
  ServerCheck,
  WorkspaceView,
  Plan,
  Preferences,
  PreferencesView,
  ProviderKey,
  QueuedMessage,
  Message,
  DetailSources,
  Ending,
  Model,
  ModelAvailability,
  ModelListSummary,
  ModelRef,
  Overview,
  Provider,
  Reason,
  SendEvent,
  UiError,
  Timeline,
  ModelStats,
  Period,
} from "../bindings";

export function provider(id: string, name: string, family: string): Provider {
  return { id, name, family, wire: "openai", base_url: "https://example.com", api_key_env: `${id.toUpperCase()}_API_KEY` };
}

export function model(providerId: string, id: string, display_name: string, aliases: string[] = []): Model {
  return {
    provider: providerId,
    id,
    display_name,
    context_window: 200_000,
    input: ["text", "image"],
    tool_use: true,
    price_in: 5,
    price_out: 25,
    tier: "frontier",
    aliases: [display_name, id, ...aliases],
    released: null,
    listed_at: null,
    sources: sources("shipped"),
  };
}

/** Every detail from the same place. */
export function sources(from: DetailSources["display_name"]): DetailSources {
  return {
    display_name: from,
    context_window: from,
    output_limit: from,
    input: from,
    tool_use: from,
    price: from,
    tier: from,
    aliases: from,
  };
}

/** A model only the provider's own list knows: a name and nothing more. */
export function listedModel(providerId: string, id: string, display_name: string, listed_at: string): Model {
  return {
    provider: providerId,
    id,
    display_name,
    context_window: null,
    output_limit: null,
    input: [],
    tool_use: null,
    price_in: null,
    price_out: null,
    tier: null,
    aliases: [id],
    released: null,
    listed_at,
    sources: { ...sources("unknown"), display_name: "provider", aliases: "derived" },
  };
}

/** A provider's list as read at `listed_at` (null: never read). */
export function modelList(providerId: string, listed_at: string | null, problem: string | null = null): ModelListSummary {
  return { provider: providerId, listed_at, checked_at: listed_at ?? "2026-11-24T09:00:00Z", problem, chat_models: listed_at ? 3 : 0 };
}

/** The availability of a model its provider no longer lists. */
export function retired(m: Model, p: Provider): ModelAvailability {
  return {
    model: { provider: m.provider, model: m.id },
    state: "unavailable",
    reason: {
      kind: "model_retired",
      side: "provider_catalog",
      source: "model_list",
      headline: `${p.name} no longer offers ${m.display_name}`,
      message: `${p.name} no longer offers ${m.display_name} (${m.id}): it is no longer in ${p.name}'s list of models.`,
    },
    since: "2026-11-24T10:00:00Z",
    next_check: null,
    stale: false,
  };
}

export function notConfigured(m: Model, p: Provider): ModelAvailability {
  return {
    model: { provider: m.provider, model: m.id },
    state: "disabled",
    reason: {
      kind: "not_configured",
      side: "your_setup",
      source: "configuration",
      headline: `Add an ${p.name} API key to use ${p.family}`,
      message: `Switchboard has no ${p.name} API key, so it cannot use ${m.display_name} yet.`,
    },
    since: "2026-11-24T09:00:00Z",
    next_check: null,
    stale: false,
  };
}

export function sampleOverview(): Overview {
  const anthropic = provider("anthropic", "Anthropic", "Claude");
  const openai = provider("openai", "OpenAI", "GPT");
  const models = [
    model("anthropic", "claude-opus-4-8", "Claude Opus 4.8", ["Opus 4.8"]),
    model("anthropic", "claude-opus-4-7", "Claude Opus 4.7", ["Opus 4.7"]),
    model("anthropic", "claude-sonnet-4-6", "Claude Sonnet 4.6", ["Sonnet 4.6"]),
    model("openai", "gpt-5", "GPT-5"),
    model("openai", "gpt-5-mini", "GPT-5 mini"),
  ];
  const byId = { anthropic, openai } as Record<string, Provider>;
  return {
    providers: [anthropic, openai],
    models,
    availability: models.map((m) => notConfigured(m, byId[m.provider])),
    preferred: null,
    preferred_replacement: null,
    model_lists: [],
    notices: [],
    demo: null,
  };
}

/** How the mock answers the next send. */
export type Script =
  | { answer: string[]; ending?: Ending; reason?: Reason }
  | { fail: Reason; partial?: string[] }
  | { refuse: UiError }
  | { hold: true };

export class MockBackend implements Backend {
  chosen: ModelRef[] = [];
  sent: { text: string; model: ModelRef; conversationId: string | null; choice?: Choice }[] = [];
  /** What `planSend` answers; each call is recorded in `plans`. */
  plan: Plan = { kind: "preferred" };
  /** Answers for the next `planSend` calls, in order, before `plan`. */
  nextPlans: Plan[] = [];
  plans: { model: ModelRef; failed: Reason | null }[] = [];
  queue: QueuedMessage[] = [];
  order: ModelRef[] = [];
  consents: Consent[] = [];
  drafts = new Map<string, string>();
  conversations: Conversation[] = [];
  messages = new Map<string, Message[]>();
  script: Script = { answer: ["Hello", " there"] };
  stopped: string[] = [];
  #held: (() => void) | null = null;
  failNextChoice: UiError | null = null;
  overviewValue: Overview;
  /** How many times the UI read the overview. */
  overviewReads = 0;
  /** How many times the UI asked for the model lists to be read. */
  refreshes = 0;
  /** Rejects the next refresh with this error. */
  failNextRefresh: UiError | null = null;
  /** When set, a refresh waits for `finishRefresh()`. */
  holdRefresh = false;
  /** What a refresh changes: runs before it resolves (and before `catalogChanged`). */
  onRefresh: ((overview: Overview) => void) | null = null;
  #heldRefresh: (() => void) | null = null;
  #availabilityHandlers: ((changes: ModelAvailability[]) => void)[] = [];
  #fallbackHandlers: ((e: FallbackEvent) => void)[] = [];
  #catalogHandlers: (() => void)[] = [];

  constructor(overview: Overview = sampleOverview()) {
    this.overviewValue = overview;
  }

  async overview(): Promise<Overview> {
    this.overviewReads += 1;
    return structuredClone(this.overviewValue);
  }

  async refreshModelLists(): Promise<void> {
    this.refreshes += 1;
    if (this.holdRefresh) await new Promise<void>((resolve) => (this.#heldRefresh = resolve));
    if (this.failNextRefresh) {
      const error = this.failNextRefresh;
      this.failNextRefresh = null;
      throw error;
    }
    this.onRefresh?.(this.overviewValue);
    this.emitCatalogChanged();
  }

  /** Lets a held refresh finish. */
  finishRefresh(): void {
    this.#heldRefresh?.();
    this.#heldRefresh = null;
  }

  async onCatalogChanged(handler: () => void) {
    this.#catalogHandlers.push(handler);
    return () => {
      this.#catalogHandlers = this.#catalogHandlers.filter((h) => h !== handler);
    };
  }

  async setPreferredModel(model: ModelRef): Promise<ModelRef> {
    if (this.failNextChoice) {
      const error = this.failNextChoice;
      this.failNextChoice = null;
      throw error;
    }
    this.chosen.push(model);
    return model;
  }

  async onAvailabilityChanged(handler: (changes: ModelAvailability[]) => void) {
    this.#availabilityHandlers.push(handler);
    return () => {
      this.#availabilityHandlers = this.#availabilityHandlers.filter((h) => h !== handler);
    };
  }

  async listConversations() {
    return structuredClone(this.conversations);
  }

  async openConversation(id: string): Promise<ConversationView> {
    const conversation = this.conversations.find((c) => c.id === id);
    if (!conversation) throw { kind: "not_found", message: `there is no conversation ${id}`, reason: null } satisfies UiError;
    return structuredClone({ conversation, messages: this.messages.get(id) ?? [], draft: this.drafts.get(id) ?? "" });
  }

  async loadDraft(conversationId: string | null) {
    return this.drafts.get(conversationId ?? "") ?? "";
  }

  async saveDraft(conversationId: string | null, text: string) {
    this.drafts.set(conversationId ?? "", text);
  }

  async stopSending(sendId: string) {
    this.stopped.push(sendId);
    this.#held?.();
  }

  async planSend(_conversationId: string | null, _text: string, model: ModelRef, failed: Reason | null): Promise<Plan> {
    this.plans.push({ model, failed });
    return this.nextPlans.shift() ?? this.plan;
  }

  async queueMessage(conversationId: string | null, text: string, model: ModelRef): Promise<QueuedMessage> {
    // As the core does: a message waits in its conversation, started for it if need be.
    let conversation = this.conversations.find((c) => c.id === conversationId);
    if (!conversation) {
      const now = "2026-11-24T10:00:00Z";
      conversation = { id: `c${this.conversations.length + 1}`, title: text.slice(0, 60), created_at: now, updated_at: now };
      this.conversations.unshift(conversation);
    }
    const queued = {
      id: `w${this.queue.length + 1}`,
      conversation_id: conversation.id,
      text,
      model,
      queued_at: "2026-11-24T10:00:00Z",
      too_old: false,
    };
    this.queue.push(queued);
    return queued;
  }

  async queuedMessages(): Promise<QueuedMessage[]> {
    return [...this.queue];
  }

  async cancelQueued(id: string): Promise<QueuedMessage | null> {
    const found = this.queue.find((q) => q.id === id) ?? null;
    this.queue = this.queue.filter((q) => q.id !== id);
    return found;
  }

  /** Keys by provider, as the core keeps them (the tests check the page never shows one). */
  keys = new Map<string, string>();
  /** Keys a provider rejects. */
  rejectedKeys = new Set<string>();
  keyChecks = new Map<string, KeyCheck>();

  async providerKeys(): Promise<ProviderKey[]> {
    return this.overviewValue.providers
      .filter((p) => p.api_key_env)
      .map((p) => ({
        provider: p.id,
        name: p.name,
        env_var: p.api_key_env ?? "",
        console_url: p.console_url ?? null,
        place: this.keys.has(p.id) ? "keyring" : null,
        last_check: this.keyChecks.get(p.id) ?? null,
      }));
  }

  async saveKey(providerId: string, key: string): Promise<KeyCheck> {
    if (!key.trim()) throw { kind: "invalid_input", message: "Paste the key first: the field is empty.", reason: null } satisfies UiError;
    const name = this.overviewValue.providers.find((p) => p.id === providerId)?.name ?? providerId;
    const rejected = this.rejectedKeys.has(key.trim());
    if (!rejected) this.keys.set(providerId, key.trim());
    const check: KeyCheck = {
      provider: providerId,
      at: "2026-11-24T09:00:00Z",
      accepted: !rejected,
      kept: rejected ? null : "keyring",
      reason: rejected
        ? {
            kind: "auth_failed",
            side: "your_key",
            source: "model_list",
            headline: `${name} rejected this key`,
            message: `${name} rejected this key (HTTP 401): it is mistyped, revoked, or from another account. ${name}'s service is working.`,
          }
        : {
            kind: "healthy",
            side: "nobody",
            source: "model_list",
            headline: `Key accepted by ${name} at 09:00`,
            message: `${name} accepted the key at 09:00.`,
          },
      kept_words: rejected ? "Not saved." : "Kept in your system keyring; Switchboard never shows it again.",
    };
    this.keyChecks.set(providerId, check);
    return check;
  }

  async checkKey(providerId: string): Promise<KeyCheck> {
    const key = this.keys.get(providerId);
    if (!key) throw { kind: "invalid_input", message: "Paste the key first: the field is empty.", reason: null } satisfies UiError;
    return this.saveKey(providerId, key);
  }

  async removeKey(providerId: string): Promise<void> {
    this.keys.delete(providerId);
    this.keyChecks.delete(providerId);
  }

  preferences: Preferences = { probes: true, notifications: true, close_to_tray: false, theme: "system", start_at_login: false };
  fixedByConfig: PreferencesView["fixed_by_config"] = [];
  #preferencesHandlers: ((p: Preferences) => void)[] = [];

  async getPreferences(): Promise<PreferencesView> {
    return { preferences: { ...this.preferences }, fixed_by_config: [...this.fixedByConfig] };
  }

  async setPreferences(preferences: Preferences): Promise<PreferencesView> {
    this.preferences = { ...preferences };
    return this.getPreferences();
  }

  async onPreferencesChanged(handler: (p: Preferences) => void) {
    this.#preferencesHandlers.push(handler);
    return () => {
      this.#preferencesHandlers = this.#preferencesHandlers.filter((h) => h !== handler);
    };
  }

  /** How many times the window said its first frame was painted. */
  paints = 0;

  async firstPaint(): Promise<void> {
    this.paints += 1;
  }


  /** The board as the core would build it; by default, every model in the overview. */
  boardValue: Board | null = null;
  checked: (string | null)[] = [];

  async board(): Promise<Board> {
    if (this.boardValue) return structuredClone(this.boardValue);
    const o = this.overviewValue;
    return {
      wrong_now: [],
      providers: o.providers.map((p) => ({
        provider: p.id,
        name: p.name,
        page_read_at: null,
        last_answer: null,
        next_check: null,
        models: o.models
          .filter((m) => m.provider === p.id)
          .flatMap((m) => {
            const a = o.availability.find((x) => x.model.provider === m.provider && x.model.model === m.id);
            return a ? [{ model: a.model, display_name: m.display_name, availability: a }] : [];
          }),
      })),
    };
  }

  episodes: Episode[] = [];
  draftValue: Draft = { title: "", text: "", warnings: [] };
  drafted: { episode: string | null; format: Format }[] = [];
  clipboard: string[] = [];

  async history(): Promise<Episode[]> {
    return structuredClone(this.episodes);
  }

  /** Each episode's timeline by id; one not here is `not_found`. */
  timelines: Record<string, Timeline> = {};
  /** Each model's statistics by "provider/model"; one not here has no attempts. */
  stats: Record<string, ModelStats> = {};
  statsAsked: ModelRef[] = [];

  async episodeTimeline(episode: string): Promise<Timeline> {
    const found = this.timelines[episode];
    if (!found) throw { kind: "not_found", message: `No episode "${episode}" in the last 30 days.`, reason: null } satisfies UiError;
    return structuredClone(found);
  }

  async modelStats(model: ModelRef): Promise<ModelStats> {
    this.statsAsked.push(model);
    const found = this.stats[`${model.provider}/${model.model}`];
    if (found) return structuredClone(found);
    const none = { provider: 0, yours: 0, network: 0, other: 0 };
    const period = (n: number): Period => ({ requests: 0, failed: none, first_text_ms: null, points: Array.from({ length: n }, (_, i) => ({ start: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(), label: `${i}`, requests: 0, failed: none, first_text_ms: null })) });
    return {
      model,
      model_name: this.overviewValue.models.find((m) => m.provider === model.provider && m.id === model.model)?.display_name ?? model.model,
      hour: period(60),
      day: period(24),
      month: period(30),
      days: Array.from({ length: 30 }, (_, i) => ({ date: `2026-11-${String(i + 1).padStart(2, "0")}`, label: `${i + 1} Nov`, requests: 0, failed: none, worst: null, episodes: [] })),
    };
  }

  async draftStatement(episode: string | null, format: Format): Promise<Draft> {
    this.drafted.push({ episode, format });
    return structuredClone(this.draftValue);
  }

  template: string | null = null;

  async statementTemplate(): Promise<string | null> {
    return this.template;
  }

  async setStatementTemplate(template: string | null): Promise<void> {
    const missing = ["{models}", "{side}", "{not_changed}", "{what_we_did}", "{meanwhile}", "{since}", "{source}", "{next_update}"].filter(
      (p) => template !== null && !template.includes(p),
    );
    if (missing.length)
      throw {
        kind: "invalid_input",
        message: `A statement must keep every part; this one drops ${missing.join(", ")}. The template was not saved.`,
        reason: null,
      } satisfies UiError;
    this.template = template;
  }

  async copyText(text: string): Promise<void> {
    this.clipboard.push(text);
  }

  async checkNow(provider: string | null): Promise<void> {
    this.checked.push(provider);
  }

  /** Servers a test's "network" answers at, with the models they list. */
  servers = new Map<string, string[]>();

  async providerSetups(): Promise<ProviderSetup[]> {
    return this.overviewValue.providers.map((p) => ({
      provider: p.id,
      name: p.name,
      wire: p.wire,
      base_url: p.base_url,
      status_url: p.status_url ?? null,
      needs_key: !!p.api_key_env,
      added_here: p.id.startsWith("added-"),
      set_in_config: p.id === "anthropic" ? ["base_url"] : [],
      unusable: null,
    }));
  }

  async setProviderAddress(providerId: string, baseUrl: string | null, statusUrl: string | null): Promise<ServerCheck> {
    if (baseUrl?.startsWith("http://") && !baseUrl.startsWith("http://127.0.0.1"))
      throw { kind: "invalid_input", message: "That cannot be used: http is only for this machine. Nothing was changed.", reason: null } satisfies UiError;
    const p = this.overviewValue.providers.find((x) => x.id === providerId)!;
    if (baseUrl) p.base_url = baseUrl;
    p.status_url = statusUrl;
    return { provider: providerId, found: this.servers.get(p.base_url) ?? [], problem: null };
  }

  async addServer(name: string, baseUrl: string): Promise<ServerCheck> {
    const id = `added-${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
    this.overviewValue.providers.push({ id, name, family: name, wire: "openai_compatible", base_url: baseUrl });
    const found = this.servers.get(baseUrl);
    return found
      ? { provider: id, found, problem: null }
      : { provider: id, found: [], problem: `no answer from ${name}: the connection was refused` };
  }

  async removeServer(providerId: string): Promise<void> {
    this.overviewValue.providers = this.overviewValue.providers.filter((p) => p.id !== providerId);
  }

  workspaceValue: WorkspaceView = {
    source: null,
    set_in_config: false,
    config_file: "/home/me/.config/switchboard/config.toml",
    read_at: null,
    rules: [],
    problem: null,
  };

  async workspace(): Promise<WorkspaceView> {
    return structuredClone(this.workspaceValue);
  }

  async setPolicySource(source: string | null): Promise<WorkspaceView> {
    if (this.workspaceValue.set_in_config)
      throw { kind: "admin_disabled", message: "Your workspace policy is set in config.toml.", reason: null } satisfies UiError;
    this.workspaceValue = {
      ...this.workspaceValue,
      source,
      read_at: source ? "2026-11-24T09:00:00Z" : null,
      rules: source ? [{ provider: "anthropic", model: null, message: "Anthropic is having an outage.", until: null }] : [],
    };
    return this.workspace();
  }

  #preferredHandlers: ((m: ModelRef) => void)[] = [];
  #viewHandlers: ((v: string) => void)[] = [];

  async onPreferredModelChanged(handler: (m: ModelRef) => void) {
    this.#preferredHandlers.push(handler);
    return () => {
      this.#preferredHandlers = this.#preferredHandlers.filter((h) => h !== handler);
    };
  }

  async onShowView(handler: (v: string) => void) {
    this.#viewHandlers.push(handler);
    return () => {
      this.#viewHandlers = this.#viewHandlers.filter((h) => h !== handler);
    };
  }

  /** As the tray would: a model chosen there. */
  emitPreferredModel(model: ModelRef): void {
    this.overviewValue.preferred = model;
    for (const handler of this.#preferredHandlers) handler(model);
  }

  /** As the tray would: "Settings…". */
  emitShowView(view: string): void {
    for (const handler of this.#viewHandlers) handler(view);
  }

  /** As the tray would: the preferences changed outside the window. */
  emitPreferences(preferences: Preferences): void {
    this.preferences = { ...preferences };
    for (const handler of this.#preferencesHandlers) handler({ ...preferences });
  }

  async fallbackOrder(): Promise<ModelRef[]> {
    return [...this.order];
  }

  async setFallbackOrder(order: ModelRef[]): Promise<void> {
    this.order = [...order];
  }

  async listConsents(): Promise<Consent[]> {
    return [...this.consents];
  }

  async withdrawConsent(preferred: ModelRef, scope: ConsentScope): Promise<boolean> {
    const before = this.consents.length;
    this.consents = this.consents.filter(
      (c) => !(c.preferred.provider === preferred.provider && c.preferred.model === preferred.model && c.scope === scope),
    );
    return this.consents.length < before;
  }

  async onFallbackChanged(handler: (e: FallbackEvent) => void) {
    this.#fallbackHandlers.push(handler);
    return () => {
      this.#fallbackHandlers = this.#fallbackHandlers.filter((h) => h !== handler);
    };
  }

  /** Announces a return or a queued message sent, as the core does. */
  emitFallback(event: FallbackEvent): void {
    for (const h of this.#fallbackHandlers) h(event);
  }

  async sendMessage(
    _sendId: string,
    conversationId: string | null,
    text: string,
    model: ModelRef,
    choice: Choice,
    onEvent: (event: SendEvent) => void,
  ): Promise<Message> {
    if ("refuse" in this.script) throw this.script.refuse;
    const answeredBy = choice.kind === "stand_in" ? choice.alternative : model;
    this.sent.push({ text, model: answeredBy, conversationId, choice });
    const now = "2026-11-24T10:00:00Z";
    let conversation = this.conversations.find((c) => c.id === conversationId);
    if (!conversation) {
      conversation = { id: `c${this.conversations.length + 1}`, title: text.slice(0, 60), created_at: now, updated_at: now };
      this.conversations.unshift(conversation);
    }
    const standIn = choice.kind === "stand_in";
    const base = { conversation_id: conversation.id, stood_in_for: null, stand_in_why: null, failure: null, ending: null, created_at: now, updated_at: now };
    const question: Message = { ...base, id: `q${this.sent.length}`, role: "user", text, status: "sent", model: null };
    const answer: Message = {
      ...base,
      id: `a${this.sent.length}`,
      role: "assistant",
      text: "",
      status: "streaming",
      model: answeredBy,
      stood_in_for: standIn ? model : null,
      stand_in_why: standIn ? "Elevated errors on Claude Opus 4.7" : null,
    };
    onEvent({ kind: "started", conversation, question, answer });
    const script = this.script;
    if ("hold" in script) {
      await new Promise<void>((resolve) => (this.#held = resolve));
      const stopped = { ...answer, status: "cancelled" as const };
      onEvent({ kind: "failed", question, answer: stopped, reason: null, restore_text: text });
      return stopped;
    }
    const chunks = "answer" in script ? script.answer : (script.partial ?? []);
    for (const chunk of chunks) onEvent({ kind: "text", message_id: answer.id, chunk });
    const done = { ...answer, text: chunks.join("") };
    if ("answer" in script) {
      const finished = { ...done, status: "complete" as const, ending: script.ending ?? { kind: "complete" as const } };
      onEvent({ kind: "finished", answer: finished, reason: script.reason ?? null });
      this.messages.set(conversation.id, [...(this.messages.get(conversation.id) ?? []), question, finished]);
      return finished;
    }
    const failed = { ...done, status: done.text ? ("incomplete" as const) : ("failed" as const) };
    const q = { ...question, status: done.text ? ("sent" as const) : ("failed" as const) };
    onEvent({ kind: "failed", question: q, answer: failed, reason: script.fail, restore_text: text });
    return failed;
  }

  /** Pushes availability changes as the core's event would: one, or a burst in one event. */
  emitAvailability(...changes: ModelAvailability[]): void {
    for (const h of this.#availabilityHandlers) h(changes);
  }

  /** Announces a changed catalog as the core does after reading the model lists. */
  emitCatalogChanged(): void {
    for (const h of this.#catalogHandlers) h();
  }
}
