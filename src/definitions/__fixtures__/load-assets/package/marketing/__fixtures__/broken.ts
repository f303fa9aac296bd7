// Fixture for load-assets.test.ts: a module in a __fixtures__ folder of the package, which the package loaders must skip.
throw new Error("broken.ts was imported, but __fixtures__ folders must be skipped");

export {};
