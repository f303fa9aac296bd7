// Fixture for load-assets.test.ts: a test file inside the package, which the package loaders must skip.
throw new Error("customers.spec.ts was imported, but test files must be skipped");

export {};
