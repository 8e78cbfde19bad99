// Placeholder replaced by the extension tests' mock (see test/extension).
export {};
