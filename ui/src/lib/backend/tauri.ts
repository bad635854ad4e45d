// The Backend as the app runs it: typed commands and events generated from the Rust types.
import { commands, events } from "../bindings";
import type { Backend } from "./backend";

export const tauriBackend: Backend = {
  overview: () => commands.getOverview(),
  setPreferredModel: (model) => commands.setPreferredModel(model),
  onAvailabilityChanged: (handler) => events.availabilityChanged.listen((event) => handler(event.payload)),
};
