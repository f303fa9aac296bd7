// The layout of a graph, computed in a web worker and cached by a hash of the graph (and of the collapsed groups).
import { useEffect, useRef, useState } from "react";
import { layoutKey, type Layout, type LayoutInput } from "./layered-layout.js";

const cache = new Map<string, Layout>();

export function useLayout(input: LayoutInput | undefined): Layout | undefined {
  const key = input ? layoutKey(input) : undefined;
  const [layout, setLayout] = useState<Layout | undefined>(() => (key ? cache.get(key) : undefined));
  const worker = useRef<Worker | undefined>(undefined);
  const latest = useRef(0);
  useEffect(() => {
    worker.current = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    return () => worker.current?.terminate();
  }, []);
  useEffect(() => {
    if (!input || !key) return;
    const cached = cache.get(key);
    if (cached) {
      setLayout(cached);
      return;
    }
    performance.mark("lineage-layout-requested");
    const id = ++latest.current;
    const target = worker.current;
    if (!target) return;
    const onMessage = (event: MessageEvent<{ id: number; layout: Layout }>) => {
      if (event.data.id !== id) return;
      performance.mark("lineage-layout-received");
      cache.set(key, event.data.layout);
      setLayout(event.data.layout);
    };
    target.addEventListener("message", onMessage);
    target.postMessage({ id, nodes: input.nodes, edges: input.edges, collapsed: [...(input.collapsed ?? [])] });
    return () => target.removeEventListener("message", onMessage);
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- the key is the input's identity
  return layout;
}
