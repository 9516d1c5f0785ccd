/** The signed-in caller, as the gateway forwards it to every subgraph. */
export interface Viewer {
  accountId: string;
  sessionId: string;
  /** The session's current workspace; null when the account belongs to none. */
  workspaceId: string | null;
}
