import type { Logger } from '../subgraphs/common/logger.js';
import type { Viewer } from '../subgraphs/common/viewer.js';

/** The gateway's per-request context, from which each subgraph request is signed. */
export interface GatewayContext {
  viewer: Viewer | null;
  requestId: string;
  /** The client's IP address, which keys the cost budget of anonymous callers. */
  clientAddress: string;
  log: Logger;
}
