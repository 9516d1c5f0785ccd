/** The signed-in caller, as the gateway forwards it to every subgraph. */
export interface Viewer {
  accountId: string;
  sessionId: string;
  /** The session's current workspace; null when the account belongs to none. */
  workspaceId: string | null;
  /**
   * Set while a workspace admin views one project as this account (the gateway's tandem-view-as
   * header): only that project is visible, and the request reads only. Absent otherwise.
   */
  viewAs?: ViewAsMarker;
  /**
   * Set when the caller is an integration token: `accountId` is then the token's own account and
   * `sessionId` the token's ID. Absent for people.
   */
  integration?: IntegrationMarker;
}

/** The integration token a request came with, and what it may do. */
export interface IntegrationMarker {
  tokenId: string;
  scopes: Array<'read' | 'write'>;
}

/** Who is viewing which project through another account's eyes. */
export interface ViewAsMarker {
  projectId: string;
  adminAccountId: string;
}
