// The routes of the asset pages: #/assets/<key> (the key's parts as path segments).
import type { ReactElement } from "react";
import { Asset } from "./Asset.js";

export function assetRoute(path: string): ReactElement | undefined {
  const [route = ""] = path.split("?");
  const asset = /^\/assets\/(.+)$/.exec(route);
  if (asset) {
    const key = (asset[1] as string).split("/").map(decodeURIComponent).join("/");
    return <Asset key={key} assetKey={key} />;
  }
  return undefined;
}
