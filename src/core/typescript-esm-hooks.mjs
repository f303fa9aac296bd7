// Module hooks for users' TypeScript: a .ts or .tsx module is an ES module whatever its package's "type", so a
// code location in a CommonJS project imports the same copy of Tessera as the command that loads it (through the
// CommonJS loader it would import a second, transpiled copy). tsx, registered before these hooks, compiles it.
export async function load(url, context, nextLoad) {
  if (context.format !== "module" && /\.tsx?$/.test(new URL(url).pathname)) return nextLoad(url, { ...context, format: "module" });
  return nextLoad(url, context);
}
