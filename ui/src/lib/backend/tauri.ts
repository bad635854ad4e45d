// The Backend as the app runs it: typed commands and events generated from the Rust types.
import { Channel } from "@tauri-apps/api/core";
import { commands, events, type SendEvent } from "../bindings";
import type { Backend } from "./backend";

export const tauriBackend: Backend = {
  overview: () => commands.getOverview(),
  setPreferredModel: (model) => commands.setPreferredModel(model),
  onAvailabilityChanged: (handler) => events.availabilityChanged.listen((event) => handler(event.payload)),
  refreshModelLists: async () => {
    await commands.refreshModelLists();
  },
  onCatalogChanged: (handler) => events.catalogChanged.listen(() => handler()),
  listConversations: () => commands.listConversations(),
  openConversation: (id) => commands.openConversation(id),
  loadDraft: (conversationId) => commands.loadDraft(conversationId),
  saveDraft: async (conversationId, text) => {
    await commands.saveDraft(conversationId, text);
  },
  planSend: (conversationId, text, model, failed) => commands.planSend(conversationId, text, model, failed),
  sendMessage: (sendId, conversationId, text, model, choice, onEvent) => {
    const channel = new Channel<SendEvent>();
    channel.onmessage = onEvent;
    return commands.sendMessage(sendId, conversationId, text, model, choice, channel);
  },
  queueMessage: (conversationId, text, model) => commands.queueMessage(conversationId, text, model),
  queuedMessages: () => commands.queuedMessages(),
  cancelQueued: (id) => commands.cancelQueued(id),
  fallbackOrder: () => commands.fallbackOrder(),
  setFallbackOrder: async (order) => {
    await commands.setFallbackOrder(order);
  },
  listConsents: () => commands.listConsents(),
  withdrawConsent: (preferred, scope) => commands.withdrawConsent(preferred, scope),
  onFallbackChanged: (handler) => events.fallbackChanged.listen((event) => handler(event.payload)),
  stopSending: async (sendId) => {
    await commands.stopSending(sendId);
  },
  providerKeys: () => commands.providerKeys(),
  saveKey: (provider, key) => commands.saveKey(provider, key),
  checkKey: (provider) => commands.checkKey(provider),
  removeKey: async (provider) => {
    await commands.removeKey(provider);
  },
  getPreferences: () => commands.getPreferences(),
  setPreferences: (preferences) => commands.setPreferences(preferences),
  onPreferencesChanged: (handler) => events.preferencesChanged.listen((event) => handler(event.payload)),
  onPreferredModelChanged: (handler) => events.preferredModelChanged.listen((event) => handler(event.payload)),
  board: () => commands.board(),
  firstPaint: async (marks) => {
    await commands.firstPaint(marks);
  },
  history: (days, model) => commands.history(days, model),
  episodeTimeline: (episode) => commands.episodeTimeline(episode),
  modelStats: (model) => commands.modelStats(model),
  draftStatement: (episode, format) => commands.draftStatement(episode, format),
  statementTemplate: () => commands.statementTemplate(),
  setStatementTemplate: async (template) => {
    await commands.setStatementTemplate(template);
  },
  copyText: async (text) => {
    await commands.copyText(text);
  },
  checkNow: async (provider) => {
    await commands.checkNow(provider);
  },
  providerSetups: () => commands.providerSetups(),
  setProviderAddress: (provider, baseUrl, statusUrl) => commands.setProviderAddress(provider, baseUrl, statusUrl),
  addServer: (name, baseUrl, needsKey) => commands.addServer(name, baseUrl, needsKey),
  removeServer: async (provider) => {
    await commands.removeServer(provider);
  },
  workspace: () => commands.workspace(),
  setPolicySource: (source) => commands.setPolicySource(source),
  onShowView: (handler) => events.showView.listen((event) => handler(event.payload)),
};
