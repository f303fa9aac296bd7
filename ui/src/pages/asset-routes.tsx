// The routes of the asset pages: #/assets (the catalog, its filters in the query) and #/assets/<key> (the key's parts
// as path segments).
import type { ReactElement } from "react";
import { Asset } from "./Asset.js";
import { Catalog } from "./Catalog.js";

export function assetRoute(path: string): ReactElement | undefined {
  const [route = "", query = ""] = path.split("?");
  if (route === "/assets") return <Catalog query={query} />;
  const asset = /^\/assets\/(.+)$/.exec(route);
  if (asset) {
    const key = (asset[1] as string).split("/").map(decodeURIComponent).join("/");
    const partition = new URLSearchParams(query).get("partition");
    return <Asset key={key} assetKey={key} {...(partition ? { partition } : {})} />;
  }
  return undefined;
}
