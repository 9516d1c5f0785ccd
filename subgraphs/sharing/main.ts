import { runSubgraphProcess } from '../common/main.js';
import { sharingSubgraph } from './index.js';

await runSubgraphProcess(sharingSubgraph);
