// Imported first by each entry point (gateway, subgraph processes, npm start), so that tracing,
// when configured, is in place before http and graphql are loaded. See tracing.ts.
import { defaultServiceName, startTracing } from './tracing.js';

startTracing(defaultServiceName(process.argv[1] ?? ''));
