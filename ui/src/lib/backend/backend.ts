// The UI talks to the core only through this interface: the Tauri implementation in the app,
// a test double in Vitest.
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
  ErrorKind,
  FallbackEvent,
  KeyCheck,
  Message,
  ModelAvailability,
  ModelRef,
  ModelStats,
  Overview,
  PaintMarks,
  Plan,
  Preferences,
  PreferencesView,
  ProviderKey,
  QueuedMessage,
  Reason,
  ProviderSetup,
  SendEvent,
  ServerCheck,
  Timeline,
  UiError,
  WorkspaceView,
} from "../bindings";

export type { Conversation, ConversationView, Message, ModelAvailability, ModelRef, Overview, SendEvent, UiError };

export type Unlisten = () => void;

export interface Backend {
  /** Everything the window shows at start, in one round trip. */
  overview(): Promise<Overview>;
  /** The first frame with every model's state is on screen (start-up is timed to it), with
   * the page's own marks. */
  firstPaint(marks: PaintMarks): Promise<void>;
  /** Makes `model` the preferred one; rejects with a `UiError`. */
  setPreferredModel(model: ModelRef): Promise<ModelRef>;
  /** Called with the models whose availability changed: a burst at once, each model once. */
  onAvailabilityChanged(handler: (changes: ModelAvailability[]) => void): Promise<Unlisten>;
  /** Asks every provider for its model list; resolves once all have answered (or failed). */
  refreshModelLists(): Promise<void>;
  /** Called after any model-list refresh (at start, on a timer, or asked for): read the overview again. */
  onCatalogChanged(handler: () => void): Promise<Unlisten>;
  listConversations(): Promise<Conversation[]>;
  openConversation(id: string): Promise<ConversationView>;
  loadDraft(conversationId: string | null): Promise<string>;
  saveDraft(conversationId: string | null, text: string): Promise<void>;
  /** What pressing Send does now: ask the model, let a consented stand-in answer, or ask the
   * person first. `failed`: the reason a send to it just failed. */
  planSend(conversationId: string | null, text: string, model: ModelRef, failed: Reason | null): Promise<Plan>;
  /** Sends as the person chose; progress goes to `onEvent`; resolves with the stored answer. */
  sendMessage(
    sendId: string,
    conversationId: string | null,
    text: string,
    model: ModelRef,
    choice: Choice,
    onEvent: (event: SendEvent) => void,
  ): Promise<Message>;
  /** Keeps the message until `model` is back ("Wait"). */
  queueMessage(conversationId: string | null, text: string, model: ModelRef): Promise<QueuedMessage>;
  queuedMessages(): Promise<QueuedMessage[]>;
  /** Takes a message out of the queue and hands it back. */
  cancelQueued(id: string): Promise<QueuedMessage | null>;
  /** The person's own order of models to offer when one is out. */
  fallbackOrder(): Promise<ModelRef[]>;
  setFallbackOrder(order: ModelRef[]): Promise<void>;
  /** The kept consents ("until it is back", "always"). */
  listConsents(): Promise<Consent[]>;
  withdrawConsent(preferred: ModelRef, scope: ConsentScope): Promise<boolean>;
  /** Called when a model is back, and when a queued message was sent. */
  onFallbackChanged(handler: (event: FallbackEvent) => void): Promise<Unlisten>;
  stopSending(sendId: string): Promise<void>;
  /** Every provider that takes a key: where its key is, its last check; never the key. */
  providerKeys(): Promise<ProviderKey[]>;
  /** Checks `key` with the provider's free model-list request and keeps it unless rejected. */
  saveKey(provider: string, key: string): Promise<KeyCheck>;
  /** Checks the key in use again. */
  checkKey(provider: string): Promise<KeyCheck>;
  /** Forgets the stored key (one in the environment stays). */
  removeKey(provider: string): Promise<void>;
  /** The preferences, and which of them config.toml fixes. */
  getPreferences(): Promise<PreferencesView>;
  /** Saves and applies them at once. */
  setPreferences(preferences: Preferences): Promise<PreferencesView>;
  /** Called when they change elsewhere (the tray). */
  onPreferencesChanged(handler: (preferences: Preferences) => void): Promise<Unlisten>;
  /** What is wrong now, grouped by provider and reason, then every provider's models. */
  board(): Promise<Board>;
  /** Reads the status pages and probes the models that are out (of `provider`) now. */
  checkNow(provider: string | null): Promise<void>;
  /** Every episode of the last `days` days (of `model`, when given). */
  history(days: number, model: ModelRef | null): Promise<Episode[]>;
  /** One episode's timeline: this app's observations beside the provider's posts. */
  episodeTimeline(episode: string): Promise<Timeline>;
  /** A model's requests, failures by side and time to first text; its 30 days as a strip. */
  modelStats(model: ModelRef): Promise<ModelStats>;
  /** The first statement for what is wrong now, or for an episode. */
  draftStatement(episode: string | null, format: Format): Promise<Draft>;
  /** The statement template written in Settings (null: Switchboard's own words). */
  statementTemplate(): Promise<string | null>;
  /** Saves it; one that drops a part is refused (`invalid_input`), naming it. */
  setStatementTemplate(template: string | null): Promise<void>;
  /** Puts `text` on the clipboard. */
  copyText(text: string): Promise<void>;
  /** Every provider: where it is reached, and what the config file fixes. */
  providerSetups(): Promise<ProviderSetup[]>;
  /** A provider's base URL and status page (null: as shipped); applied at once. */
  setProviderAddress(provider: string, baseUrl: string | null, statusUrl: string | null): Promise<ServerCheck>;
  /** An OpenAI-compatible server added by URL; its models are listed at once. */
  addServer(name: string, baseUrl: string, needsKey: boolean): Promise<ServerCheck>;
  removeServer(provider: string): Promise<void>;
  /** The workspace policy: source, last reading, rules, problem. */
  workspace(): Promise<WorkspaceView>;
  /** Sets (or, with null, removes) a policy source where the config file names none. */
  setPolicySource(source: string | null): Promise<WorkspaceView>;
  /** Called when the preferred model was chosen elsewhere (the tray). */
  onPreferredModelChanged(handler: (model: ModelRef) => void): Promise<Unlisten>;
  /** Called when the tray asks for a view ("assistant", "models", "settings"). */
  onShowView(handler: (view: string) => void): Promise<Unlisten>;
}

export function isUiError(value: unknown): value is UiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as UiError).kind === "string" &&
    typeof (value as UiError).message === "string"
  );
}

export function sameModel(a: ModelRef | null | undefined, b: ModelRef | null | undefined): boolean {
  return !!a && !!b && a.provider === b.provider && a.model === b.model;
}

/** An error as the window keeps it: the core's `{kind, message, reason}` as it came, or
 * anything else thrown (a bug, a lost bridge) as `unexpected`. The UI branches on `kind`. */
export type ShownError = { kind: ErrorKind | "unexpected"; message: string; reason: Reason | null };

/** Whatever threw, as a [`ShownError`]. */
export function describe(e: unknown): ShownError {
  if (isUiError(e)) return { kind: e.kind, message: e.message, reason: e.reason ?? null };
  const message = e instanceof Error ? e.message : String(e);
  return { kind: "unexpected", message, reason: null };
}
