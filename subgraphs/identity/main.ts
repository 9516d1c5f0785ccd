import '../common/start-tracing.js';
import { readRequired, readTokenTtl } from '../common/config.js';
import { secretKey } from '../common/gateway-signature.js';
import { runSubgraphProcess } from '../common/main.js';
import { identitySubgraph } from './index.js';

const tokenKey = secretKey(readRequired('AUTH_TOKEN_SECRET', 'set the same value for the identity subgraph and the gateway.'), 'AUTH_TOKEN_SECRET');
await runSubgraphProcess(identitySubgraph({ key: tokenKey, ttlSeconds: readTokenTtl() }));
