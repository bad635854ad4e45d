// The UI talks to the core only through this interface: the Tauri implementation in the app,
// a test double in Vitest.
import type {
  Conversation,
  ConversationView,
  Message,
  ModelAvailability,
  ModelRef,
  Overview,
  SendEvent,
  UiError,
} from "../bindings";

export type { Conversation, ConversationView, Message, ModelAvailability, ModelRef, Overview, SendEvent, UiError };

export type Unlisten = () => void;

export interface Backend {
  /** Everything the window shows at start, in one round trip. */
  overview(): Promise<Overview>;
  /** Makes `model` the preferred one; rejects with a `UiError`. */
  setPreferredModel(model: ModelRef): Promise<ModelRef>;
  /** Called with each model whose availability changed. */
  onAvailabilityChanged(handler: (availability: ModelAvailability) => void): Promise<Unlisten>;
  /** Asks every provider for its model list; resolves once all have answered (or failed). */
  refreshModelLists(): Promise<void>;
  /** Called after any model-list refresh (at start, on a timer, or asked for): read the overview again. */
  onCatalogChanged(handler: () => void): Promise<Unlisten>;
  listConversations(): Promise<Conversation[]>;
  openConversation(id: string): Promise<ConversationView>;
  loadDraft(conversationId: string | null): Promise<string>;
  saveDraft(conversationId: string | null, text: string): Promise<void>;
  /** Sends; progress goes to `onEvent`; resolves with the stored answer. */
  sendMessage(
    sendId: string,
    conversationId: string | null,
    text: string,
    model: ModelRef,
    onEvent: (event: SendEvent) => void,
  ): Promise<Message>;
  stopSending(sendId: string): Promise<void>;
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

/** An error in words, whatever threw it: the core's `{kind, message}`, or anything else. */
export function describe(e: unknown): string {
  if (isUiError(e)) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}
