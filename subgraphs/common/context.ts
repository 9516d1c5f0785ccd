import type { Database } from '../../db/client.js';
import type { Logger } from './logger.js';
import type { Viewer } from './viewer.js';

/** The context of every subgraph resolver and rule. */
export interface RequestContext {
  db: Database;
  /** The signed-in caller, or null for an anonymous request. */
  viewer: Viewer | null;
  requestId: string;
  log: Logger;
  /**
   * Tells the gateway that this request changed the viewer's session, so that later fields
   * of the same operation run as the changed viewer. Pass the new access token after a
   * sign-in, and nothing when the current session changed (switched workspace, logged out).
   */
  announceSessionChange(accessToken?: string): void;
}

/** A subgraph's context: the request plus that subgraph's per-request loaders. */
export type SubgraphContext<TLoaders> = RequestContext & { loaders: TLoaders };

/**
 * The context object of one subgraph request. Apollo Server gives resolvers a shallow copy
 * of the context it is handed, while loaders keep the original. The viewer therefore lives in
 * a shared `session` object behind an accessor, so a resolver that signs someone in (signUp,
 * logIn) changes the viewer that the loaders see for the rest of the request.
 */
export class RequestScope implements RequestContext {
  readonly session: { viewer: Viewer | null; change: { accessToken: string | null } | null };

  constructor(
    readonly db: Database,
    viewer: Viewer | null,
    readonly requestId: string,
    readonly log: Logger,
  ) {
    this.session = { viewer, change: null };
  }

  announceSessionChange(accessToken?: string): void {
    this.session.change = { accessToken: accessToken ?? null };
  }

  get viewer(): Viewer | null {
    return this.session.viewer;
  }

  set viewer(viewer: Viewer | null) {
    this.session.viewer = viewer;
  }
}
