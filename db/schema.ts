// Every table and view, for drizzle-kit. Subgraph code imports the per-schema files instead.
export * from './identity/schema.js';
export * from './identity/contract.js';
export * from './sharing/schema.js';
export * from './sharing/contract.js';
export * from './work/schema.js';
