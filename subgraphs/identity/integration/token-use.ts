import type { SubgraphContext } from '../../common/context.js';
import { HttpError } from '../../common/http.js';
import type { IdentityLoaders } from '../loaders.js';
import { recordTokenUse } from './service.js';

/** Path of the internal endpoint through which the gateway reports that an integration token was used. */
export const integrationTokenUsedPath = '/internal/integration-token-used';

/** Sets the last-used time of the token that the signed viewer is. A caller can only report its own token. */
export async function recordIntegrationTokenUsed(context: SubgraphContext<IdentityLoaders>, body: unknown): Promise<{ recorded: true }> {
  const { tokenId } = (body ?? {}) as { tokenId?: unknown };
  const token = context.viewer?.integration;
  if (!token || tokenId !== token.tokenId) throw new HttpError(400, 'BAD_REQUEST', 'Expected { tokenId } of the signed integration viewer.');
  await recordTokenUse(context.db, token.tokenId, new Date());
  return { recorded: true };
}
