import { runSubgraphProcess } from '../common/main.js';
import { workSubgraph } from './index.js';

await runSubgraphProcess(workSubgraph);
