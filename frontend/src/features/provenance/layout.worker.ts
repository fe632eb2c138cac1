/** The provenance graph's layered layout, off the page's thread (see layout.ts). */
import { answer, type LayoutRequest } from "./layout";

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  self.postMessage(answer(event.data));
};
