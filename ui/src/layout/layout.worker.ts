// Lays out the lineage off the page's thread, so a large graph never freezes scrolling or typing.
import { layeredLayout, type Layout, type LayoutInput } from "./layered-layout.js";

interface Request {
  readonly id: number;
  readonly nodes: LayoutInput["nodes"];
  readonly edges: LayoutInput["edges"];
  readonly collapsed: readonly string[];
}

self.onmessage = (event: MessageEvent<Request>) => {
  const { id, nodes, edges, collapsed } = event.data;
  const layout: Layout = layeredLayout({ nodes, edges, collapsed: new Set(collapsed) });
  (self as unknown as Worker).postMessage({ id, layout });
};
