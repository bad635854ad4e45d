// The assistant pane's state: conversations, the open one, the compose box and the send in
// flight. The compose text is saved as a draft as it is typed, and comes back whenever a
// send fails or is stopped: nothing typed is ever lost.
import { getContext, setContext } from "svelte";
import { type Backend, type ShownError, describe } from "./backend/backend";
import type {
  Choice,
  ConsentScope,
  Conversation,
  FallbackEvent,
  Message,
  ModelRef,
  QueuedMessage,
  Ranking,
  Reason,
  SendEvent,
} from "./bindings";

/** The consent dialog's question: the message, the model it was for, and why it is out. */
export type ConsentRequest = { text: string; model: ModelRef; reason: Reason; ranking: Ranking; fromBox: boolean };

const KEY = Symbol("switchboard-assistant-state");
const DRAFT_SAVE_DELAY_MS = 300;
/** What "Continue" sends after an answer stopped at the length limit. */
export const CONTINUE_PROMPT = "Please continue exactly where your last answer stopped.";

export class AssistantState {
  conversations = $state<Conversation[]>([]);
  /** The open conversation; `null` while composing a new one. */
  conversation = $state<Conversation | null>(null);
  messages = $state<Message[]>([]);
  compose = $state("");
  /** The send in flight, if any. */
  sendId = $state<string | null>(null);
  /** Why the last send did not answer, shown above the compose box. */
  lastReason = $state<Reason | null>(null);
  /** A retry in progress ("trying again in 2 s"). */
  retrying = $state<{ reason: Reason; afterSeconds: number } | null>(null);
  error = $state<ShownError | null>(null);
  /** The consent dialog, open while the person chooses; nothing is sent meanwhile. */
  consent = $state<ConsentRequest | null>(null);
  /** Messages waiting for their model, in every conversation. */
  queued = $state<QueuedMessage[]>([]);
  /** "Claude Opus 4.7 is back": the last return, until the next send. */
  back = $state<{ model: ModelRef; holding: boolean } | null>(null);

  readonly #backend: Backend;
  #draftTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /** Between Send and the request: the draft is saved and the send planned. */
  planning = $state(false);
  sending = $derived(this.sendId !== null || this.planning);

  async load(): Promise<void> {
    await this.#run(async () => {
      await this.#backend.onFallbackChanged((e) => void this.#onFallback(e));
      this.conversations = await this.#backend.listConversations();
      this.compose = await this.#backend.loadDraft(null);
      this.queued = await this.#backend.queuedMessages();
    });
  }

  /** The messages waiting in the open conversation. */
  get waitingHere(): QueuedMessage[] {
    return this.queued.filter((q) => q.conversation_id === this.conversation?.id);
  }

  async open(id: string): Promise<void> {
    await this.#flushDraft();
    await this.#run(async () => {
      const view = await this.#backend.openConversation(id);
      this.conversation = view.conversation;
      this.messages = view.messages;
      this.compose = view.draft;
      this.lastReason = null;
    });
  }

  async startNew(): Promise<void> {
    await this.#flushDraft();
    this.conversation = null;
    this.messages = [];
    this.lastReason = null;
    this.compose = await this.#backend.loadDraft(null).catch(() => "");
  }

  /** Called on every keystroke in the compose box. */
  edit(text: string): void {
    this.compose = text;
    if (this.#draftTimer) clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => void this.#flushDraft(), DRAFT_SAVE_DELAY_MS);
  }

  /** Send: the preferred model, a stand-in a kept consent names, or — when the model is
   * known to be out and nothing covers it — the consent dialog, before any request. */
  async send(model: ModelRef | null): Promise<void> {
    const text = this.compose;
    if (!model || !text.trim() || this.sending || this.consent) return;
    this.planning = true;
    let plan;
    try {
      // The text is safe as a draft before anything else happens.
      await this.#flushDraft();
      plan = await this.#backend.planSend(this.conversation?.id ?? null, text, model, null);
    } catch (e) {
      this.error = describe(e);
      return;
    } finally {
      this.planning = false;
    }
    if (plan.kind === "ask") {
      this.consent = { text, model, reason: plan.reason, ranking: plan.ranking, fromBox: true };
      return;
    }
    // What was typed while planning stays; only the text sent leaves the box.
    if (this.compose === text) this.compose = "";
    await this.#sendText(text, model, true, plan.kind === "stand_in" ? { kind: "auto" } : { kind: "preferred" });
  }

  /** The person's answer in the consent dialog. */
  async decide(
    decision:
      | { kind: "stand_in"; alternative: ModelRef; scope: ConsentScope }
      | { kind: "wait" }
      | { kind: "keep_trying" }
      | { kind: "cancel" },
  ): Promise<void> {
    const request = this.consent;
    if (!request) return;
    this.consent = null;
    if (decision.kind === "cancel") return;
    if (request.fromBox) this.compose = "";
    if (decision.kind === "wait") {
      try {
        const queued = await this.#backend.queueMessage(this.conversation?.id ?? null, request.text, request.model);
        this.queued = [...this.queued, queued];
        if (!this.conversation) {
          this.conversations = await this.#backend.listConversations();
          const created = this.conversations.find((c) => c.id === queued.conversation_id);
          if (created) await this.open(created.id);
        }
      } catch (e) {
        // Not kept: the text goes back in the box.
        if (request.fromBox && !this.compose) this.compose = request.text;
        this.error = describe(e);
      }
      return;
    }
    const choice: Choice =
      decision.kind === "keep_trying"
        ? { kind: "preferred" }
        : { kind: "stand_in", alternative: decision.alternative, scope: decision.scope };
    await this.#sendText(request.text, request.model, request.fromBox, choice);
  }

  /** Takes a waiting message out of the queue and sends it now: the consent dialog offers
   * another model while its own is out. */
  async sendQueuedNow(id: string): Promise<void> {
    const waiting = this.queued.find((q) => q.id === id);
    if (!waiting || this.sending || this.consent) return;
    if (this.conversation?.id !== waiting.conversation_id) await this.open(waiting.conversation_id);
    let taken = null;
    try {
      taken = await this.#backend.cancelQueued(id);
    } catch (e) {
      this.error = describe(e);
    }
    this.queued = this.queued.filter((q) => q.id !== id);
    // Already being sent (its model came back meanwhile): it is not sent twice.
    if (!taken) return;
    this.compose = taken.text;
    await this.send(taken.model);
  }

  /** Takes a waiting message out of the queue; its text goes back in the box. */
  async cancelQueued(id: string): Promise<void> {
    await this.#run(async () => {
      const taken = await this.#backend.cancelQueued(id);
      this.queued = this.queued.filter((q) => q.id !== id);
      if (taken && !this.compose.trim()) this.edit(taken.text);
    });
  }

  async #onFallback(event: FallbackEvent): Promise<void> {
    if (event.kind === "back") {
      this.back = { model: event.model, holding: event.holding };
      return;
    }
    this.queued = this.queued.filter((q) => q.id !== event.queued.id);
    if (this.conversation?.id === event.queued.conversation_id) await this.open(event.queued.conversation_id);
    this.conversations = await this.#backend.listConversations().catch(() => this.conversations);
  }

  /** Asks the model to go on with an answer that stopped at the length limit; the compose
   * box is left as it is. */
  async continueAnswer(model: ModelRef | null): Promise<void> {
    if (!model || this.sending) return;
    await this.#sendText(CONTINUE_PROMPT, model, false, { kind: "auto" });
  }

  async #sendText(text: string, model: ModelRef, fromBox: boolean, choice: Choice): Promise<void> {
    const sendId = crypto.randomUUID();
    this.sendId = sendId;
    this.lastReason = null;
    this.retrying = null;
    this.error = null;
    this.back = null;
    let failed: Reason | null = null;
    try {
      await this.#backend.sendMessage(sendId, this.conversation?.id ?? null, text, model, choice, (e) => {
        if (e.kind === "failed" && e.reason && e.answer.text === "") failed = e.reason;
        this.#on(e, fromBox);
      });
    } catch (e) {
      // Refused before sending (no key, turned off by the workspace, unknown model): the text
      // goes straight back, and a reason is shown as any other reason is.
      if (fromBox) this.compose = text;
      const shown = describe(e);
      if (shown.kind === "needs_consent" && shown.reason) failed = shown.reason;
      else if (shown.reason) this.lastReason = shown.reason;
      else this.error = shown;
    } finally {
      this.sendId = null;
      this.retrying = null;
    }
    // The model could not answer after its retries (or went out meanwhile): the same dialog.
    if (failed && choice.kind !== "stand_in") await this.#askAfterFailure(text, model, failed, fromBox);
  }

  async #askAfterFailure(text: string, model: ModelRef, failed: Reason, fromBox: boolean): Promise<void> {
    try {
      const plan = await this.#backend.planSend(this.conversation?.id ?? null, text, model, failed);
      // A reason only the person can fix is already said above the box: no question on top.
      if (plan.kind === "ask" && !plan.ranking.for_you_to_fix) {
        this.consent = { text, model, reason: plan.reason, ranking: plan.ranking, fromBox };
      }
      // A standing consent covers it: the stand-in answers, once, as the person allowed.
      if (plan.kind === "stand_in") {
        if (fromBox && this.compose === text) this.compose = "";
        await this.#sendText(text, model, fromBox, { kind: "stand_in", alternative: plan.alternative, scope: "this_message" });
      }
    } catch (e) {
      this.error = describe(e);
    }
  }

  async stop(): Promise<void> {
    if (this.sendId) await this.#backend.stopSending(this.sendId);
  }

  /** Sends a failed or cut-off question again. */
  async retry(question: Message, model: ModelRef | null): Promise<void> {
    this.compose = question.text;
    await this.send(model);
  }

  #on(event: SendEvent, fromBox: boolean): void {
    switch (event.kind) {
      case "started":
        if (!this.conversation || this.conversation.id !== event.conversation.id) {
          this.conversation = event.conversation;
          this.conversations = [event.conversation, ...this.conversations.filter((c) => c.id !== event.conversation.id)];
        }
        this.messages.push(event.question, event.answer);
        break;
      case "text": {
        const answer = this.messages.find((m) => m.id === event.message_id);
        if (answer) answer.text += event.chunk;
        this.retrying = null;
        break;
      }
      case "retrying":
        this.retrying = { reason: event.reason, afterSeconds: event.after_seconds };
        break;
      case "finished":
        this.#replace(event.answer);
        // A filter stopped it, or the model declined: said, with whose side it is.
        this.lastReason = event.reason;
        break;
      case "failed":
        this.#replace(event.question);
        this.#replace(event.answer);
        this.lastReason = event.reason;
        if (fromBox && !this.compose) this.compose = event.restore_text;
        break;
    }
  }

  #replace(message: Message): void {
    const i = this.messages.findIndex((m) => m.id === message.id);
    if (i >= 0) this.messages[i] = message;
  }

  async #flushDraft(): Promise<void> {
    if (this.#draftTimer) {
      clearTimeout(this.#draftTimer);
      this.#draftTimer = null;
    }
    await this.#backend.saveDraft(this.conversation?.id ?? null, this.compose).catch((e) => {
      this.error = describe(e);
    });
  }

  async #run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
      this.error = null;
    } catch (e) {
      this.error = describe(e);
    }
  }
}


export function setAssistantState(state: AssistantState): AssistantState {
  return setContext(KEY, state);
}

export function getAssistantState(): AssistantState {
  return getContext<AssistantState>(KEY);
}
