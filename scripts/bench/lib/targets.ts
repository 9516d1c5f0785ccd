// The ways of serving Tandem's graph that the benchmark compares. Each target starts on the
// benchmark's database and serves GraphQL at one URL. To add one, add an entry to `targets` and
// name it in BENCH_TARGETS.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monolithSdl } from '../monolith/schema.js';
import { freePort, npmScriptArguments, runtimeFlags, startService, stopServices, type Service } from './processes.js';

const subgraphNames = ['identity', 'sharing', 'work'] as const;
type SubgraphName = (typeof subgraphNames)[number];

export interface TargetEnvironment {
  repositoryRoot: string;
  databaseUrl: string;
  /** AUTH_TOKEN_SECRET shared by all targets, so that one access token works on each of them. */
  tokenSecret: string;
  /** Secrets between a gateway process and the subgraph processes. */
  subgraphSecrets: Record<SubgraphName, string>;
  /** DATA_DIR of the services (their e-mail files go there). */
  dataDir: string;
  logDir: string;
  logLevel: string;
}

/** Subgraph processes that one target started and another gateway may share. */
export interface SubgraphProcesses {
  services: Service[];
  /** IDENTITY_URL, SHARING_URL and WORK_URL. */
  urls: Record<string, string>;
}

export interface RunningTarget {
  name: string;
  /** The GraphQL endpoint that clients call. */
  url: string;
  /** Process group ids whose processes count as this target's CPU and memory. */
  processGroups: number[];
  /** Process group of the process that clients call: the gateway, or the only process. */
  gatewayGroup: number;
  /** The subgraph processes this target started, when it runs them apart from its gateway. */
  subgraphs?: SubgraphProcesses;
  stop(): Promise<void>;
}

export interface TargetDefinition {
  name: string;
  description: string;
  /** Starts the target; `running` contains the targets started before it, whose processes it may share. */
  start(environment: TargetEnvironment, running: readonly RunningTarget[]): Promise<RunningTarget>;
}

function common(environment: TargetEnvironment): Record<string, string> {
  return {
    DATABASE_URL: environment.databaseUrl,
    AUTH_TOKEN_SECRET: environment.tokenSecret,
    DATA_DIR: environment.dataDir,
    LOG_LEVEL: environment.logLevel,
    NODE_ENV: 'production',
    // The per-caller cost budget is a rate limit: one viewer under load would exhaust it and get
    // 429, and its remaining points in `extensions.cost` would make every response differ.
    COST_BUDGET_CAPACITY: '0',
  };
}

/** Returns the variables that tell a gateway where the subgraphs are and how to sign requests to them. */
function gatewayVariables(environment: TargetEnvironment, subgraphs: SubgraphProcesses): Record<string, string> {
  return {
    ...common(environment),
    ...subgraphs.urls,
    IDENTITY_SUBGRAPH_SECRET: environment.subgraphSecrets.identity,
    SHARING_SUBGRAPH_SECRET: environment.subgraphSecrets.sharing,
    WORK_SUBGRAPH_SECRET: environment.subgraphSecrets.work,
  };
}

/** Starts the three subgraphs with `npm run start:<name>`'s command, each as its own process. */
async function startSubgraphs(environment: TargetEnvironment, logPrefix: string): Promise<SubgraphProcesses> {
  const services: Service[] = [];
  const urls: Record<string, string> = {};
  try {
    await Promise.all(
      subgraphNames.map(async (name) => {
        const port = await freePort();
        services.push(
          await startService({
            name: `start:${name}`,
            nodeArguments: npmScriptArguments(environment.repositoryRoot, `start:${name}`),
            cwd: environment.repositoryRoot,
            port,
            environment: { ...common(environment), [`${name.toUpperCase()}_SUBGRAPH_SECRET`]: environment.subgraphSecrets[name] },
            logFile: join(environment.logDir, `${logPrefix}-${name}.log`),
          }),
        );
        urls[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${port}/graphql`;
      }),
    );
    return { services, urls };
  } catch (error) {
    await stopServices(services.map((service) => service.child));
    throw error;
  }
}

const deployed: TargetDefinition = {
  name: 'deployed',
  description: 'gateway and three subgraphs as four processes over HTTP (npm run start:gateway, start:identity, start:sharing, start:work)',
  async start(environment) {
    const subgraphs = await startSubgraphs(environment, 'deployed');
    try {
      const port = await freePort();
      const gateway = await startService({
        name: 'start:gateway',
        nodeArguments: npmScriptArguments(environment.repositoryRoot, 'start:gateway'),
        cwd: environment.repositoryRoot,
        port,
        environment: gatewayVariables(environment, subgraphs),
        logFile: join(environment.logDir, 'deployed-gateway.log'),
      });
      const services = [...subgraphs.services, gateway];
      return {
        name: 'deployed',
        url: `http://127.0.0.1:${port}/graphql`,
        processGroups: services.map((service) => service.pid),
        gatewayGroup: gateway.pid,
        subgraphs,
        stop: () => stopServices(services.map((service) => service.child)),
      };
    } catch (error) {
      await stopServices(subgraphs.services.map((service) => service.child));
      throw error;
    }
  },
};

const embedded: TargetDefinition = {
  name: 'embedded',
  description: 'gateway and three subgraphs in one process (npm start, scripts/start.ts, DEMO_DATA=false); the gateway hands its signed subgraph requests to the subgraphs in the same process',
  async start(environment) {
    const port = await freePort();
    const service = await startService({
      name: 'start',
      nodeArguments: npmScriptArguments(environment.repositoryRoot, 'start'),
      cwd: environment.repositoryRoot,
      port,
      environment: { ...common(environment), DEMO_DATA: 'false' },
      logFile: join(environment.logDir, 'embedded.log'),
    });
    return {
      name: 'embedded',
      url: `http://127.0.0.1:${port}/graphql`,
      processGroups: [service.pid],
      gatewayGroup: service.pid,
      stop: () => stopServices([service.child]),
    };
  },
};

const monolith: TargetDefinition = {
  name: 'monolith',
  description: 'one Apollo Server without federation that resolves the bench operations from the same tables with dataloaders (scripts/bench/monolith)',
  async start(environment) {
    // Derived here rather than in the monolith, so that parsing the supergraph adds nothing to its memory.
    const schemaFile = join(environment.logDir, 'monolith-schema.graphql');
    writeFileSync(schemaFile, monolithSdl());
    const port = await freePort();
    const service = await startService({
      name: 'monolith',
      nodeArguments: [...runtimeFlags(environment.repositoryRoot), '--import', 'tsx', 'scripts/bench/monolith/main.ts'],
      cwd: environment.repositoryRoot,
      port,
      environment: { ...common(environment), MONOLITH_SCHEMA_FILE: schemaFile },
      logFile: join(environment.logDir, 'monolith.log'),
    });
    return {
      name: 'monolith',
      url: `http://127.0.0.1:${port}/graphql`,
      processGroups: [service.pid],
      gatewayGroup: service.pid,
      stop: () => stopServices([service.child]),
    };
  },
};

const hiveGateway: TargetDefinition = {
  name: 'hive-gateway',
  description:
    "Hive Gateway with the Rust query planner (@graphql-hive/router-runtime) over the committed supergraph, in front of the deployed target's subgraph processes (its own when deployed is not run)",
  async start(environment, running) {
    const shared = running.find((target) => target.subgraphs)?.subgraphs;
    const subgraphs = shared ?? (await startSubgraphs(environment, 'hive-gateway'));
    const own = shared ? [] : subgraphs.services;
    try {
      const port = await freePort();
      const gateway = await startService({
        name: 'hive-gateway',
        nodeArguments: [...runtimeFlags(environment.repositoryRoot), '--import', 'tsx', 'scripts/bench/hive/main.ts'],
        cwd: environment.repositoryRoot,
        port,
        environment: gatewayVariables(environment, subgraphs),
        logFile: join(environment.logDir, 'hive-gateway.log'),
      });
      return {
        name: 'hive-gateway',
        url: `http://127.0.0.1:${port}/graphql`,
        // The subgraphs count as this target's work too, as they do for deployed.
        processGroups: [gateway.pid, ...subgraphs.services.map((service) => service.pid)],
        gatewayGroup: gateway.pid,
        stop: () => stopServices([gateway.child, ...own.map((service) => service.child)]),
      };
    } catch (error) {
      await stopServices(own.map((service) => service.child));
      throw error;
    }
  },
};

/** Every target that the benchmark can run, by name. */
export const targets: Record<string, TargetDefinition> = { deployed, embedded, monolith, 'hive-gateway': hiveGateway };

export function targetNamed(name: string): TargetDefinition {
  const target = targets[name];
  if (!target) throw new Error(`Unknown benchmark target "${name}"; known: ${Object.keys(targets).join(', ')}.`);
  return target;
}
