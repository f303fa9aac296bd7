// The layout of a graph, computed in a web worker and cached by a hash of the graph (and of the collapsed groups): in
// memory for this page, and in localStorage for the next visit, so an unchanged lineage opens without laying out.
import { useEffect, useMemo, useRef, useState } from "react";
import { layoutKey, type Layout, type LayoutInput } from "./layered-layout.js";

const cache = new Map<string, Layout>();
const STORED_PREFIX = "tessera-layout:";
/** Layouts kept across visits (the latest ones); one of 5,000 assets is about 300 kB of JSON. */
const STORED_LAYOUTS = 4;
const STORED_MAX_CHARS = 2_000_000;

function stored(key: string): Layout | undefined {
  try {
    const text = localStorage.getItem(STORED_PREFIX + key);
    return text ? (JSON.parse(text) as Layout) : undefined;
  } catch {
    return undefined;
  }
}

function store(key: string, layout: Layout): void {
  try {
    const text = JSON.stringify(layout);
    if (text.length > STORED_MAX_CHARS) return;
    const keys = Object.keys(localStorage).filter((k) => k.startsWith(STORED_PREFIX) && k !== STORED_PREFIX + key);
    // The oldest go first: their order of insertion is kept in an index entry.
    const order = (JSON.parse(localStorage.getItem(`${STORED_PREFIX}order`) ?? "[]") as string[]).filter((k) => keys.includes(k));
    while (order.length >= STORED_LAYOUTS) localStorage.removeItem(order.shift() as string);
    localStorage.setItem(STORED_PREFIX + key, text);
    localStorage.setItem(`${STORED_PREFIX}order`, JSON.stringify([...order, STORED_PREFIX + key]));
  } catch {
    // Storage full or refused: the in-memory cache still serves this visit.
  }
}

export function useLayout(input: LayoutInput | undefined): Layout | undefined {
  // Hashed once per input, not at every render of the page: hashing 5,000 keys and their edges takes ~3 ms, in every
  // render of a pan or zoom that leaves what the lineage drew.
  const key = useMemo(() => (input ? layoutKey(input) : undefined), [input]);
  const [layout, setLayout] = useState<Layout | undefined>(() => (key ? cache.get(key) : undefined));
  const worker = useRef<Worker | undefined>(undefined);
  const latest = useRef(0);
  useEffect(() => {
    worker.current = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });
    return () => worker.current?.terminate();
  }, []);
  useEffect(() => {
    if (!input || !key) return;
    const cached = cache.get(key) ?? stored(key);
    if (cached) {
      performance.mark("lineage-layout-cached");
      cache.set(key, cached);
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
      store(key, event.data.layout);
      setLayout(event.data.layout);
    };
    target.addEventListener("message", onMessage);
    target.postMessage({ id, nodes: input.nodes, edges: input.edges, collapsed: [...(input.collapsed ?? [])] });
    return () => target.removeEventListener("message", onMessage);
  }, [key]); // eslint-disable-line react-hooks/exhaustive-deps -- the key is the input's identity
  return layout;
}
