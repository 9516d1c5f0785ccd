// The ways of running Tandem that the benchmark compares. Each target starts on the benchmark's
// database and serves GraphQL at one URL. To add one (the monolith baseline, Hive Gateway),
// add an entry to `targets` and name it in BENCH_TARGETS.
import { join } from 'node:path';
import { freePort, startService, stopServices, type Service } from './processes.js';

export interface TargetEnvironment {
  repositoryRoot: string;
  databaseUrl: string;
  /** AUTH_TOKEN_SECRET shared by all targets, so that one access token works on each of them. */
  tokenSecret: string;
  /** Secrets between a gateway process and the subgraph processes. */
  subgraphSecrets: Record<'identity' | 'sharing' | 'work', string>;
  /** DATA_DIR of the services (their e-mail files go there). */
  dataDir: string;
  logDir: string;
  logLevel: string;
}

export interface RunningTarget {
  name: string;
  /** The GraphQL endpoint that clients call. */
  url: string;
  /** Process group ids whose processes count as this target's CPU and memory. */
  processGroups: number[];
  stop(): Promise<void>;
}

export interface TargetDefinition {
  name: string;
  description: string;
  start(environment: TargetEnvironment): Promise<RunningTarget>;
}

function running(name: string, port: number, services: Service[]): RunningTarget {
  return {
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    processGroups: services.map((service) => service.pid),
    stop: () => stopServices(services.map((service) => service.child)),
  };
}

function common(environment: TargetEnvironment): Record<string, string> {
  return {
    DATABASE_URL: environment.databaseUrl,
    AUTH_TOKEN_SECRET: environment.tokenSecret,
    DATA_DIR: environment.dataDir,
    LOG_LEVEL: environment.logLevel,
    NODE_ENV: 'production',
  };
}

const deployed: TargetDefinition = {
  name: 'deployed',
  description: 'gateway and three subgraphs as four processes over HTTP (npm run start:gateway, start:identity, start:sharing, start:work)',
  async start(environment) {
    const services: Service[] = [];
    try {
      const subgraphUrls: Record<string, string> = {};
      await Promise.all(
        (['identity', 'sharing', 'work'] as const).map(async (name) => {
          const port = await freePort();
          services.push(
            await startService({
              repositoryRoot: environment.repositoryRoot,
              script: `start:${name}`,
              port,
              environment: { ...common(environment), [`${name.toUpperCase()}_SUBGRAPH_SECRET`]: environment.subgraphSecrets[name] },
              logFile: join(environment.logDir, `deployed-${name}.log`),
            }),
          );
          subgraphUrls[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${port}/graphql`;
        }),
      );
      const port = await freePort();
      services.push(
        await startService({
          repositoryRoot: environment.repositoryRoot,
          script: 'start:gateway',
          port,
          environment: {
            ...common(environment),
            ...subgraphUrls,
            IDENTITY_SUBGRAPH_SECRET: environment.subgraphSecrets.identity,
            SHARING_SUBGRAPH_SECRET: environment.subgraphSecrets.sharing,
            WORK_SUBGRAPH_SECRET: environment.subgraphSecrets.work,
          },
          logFile: join(environment.logDir, 'deployed-gateway.log'),
        }),
      );
      return running('deployed', port, services);
    } catch (error) {
      await stopServices(services.map((service) => service.child));
      throw error;
    }
  },
};

const embedded: TargetDefinition = {
  name: 'embedded',
  description: 'gateway and three subgraphs in one process (npm start, scripts/start.ts, DEMO_DATA=false); subgraphs are still called over loopback HTTP',
  async start(environment) {
    const port = await freePort();
    const service = await startService({
      repositoryRoot: environment.repositoryRoot,
      script: 'start',
      port,
      environment: { ...common(environment), DEMO_DATA: 'false' },
      logFile: join(environment.logDir, 'embedded.log'),
    });
    return running('embedded', port, [service]);
  },
};

/** Every target the benchmark knows, by name. Later: `monolith` (no federation) and `hive-gateway`. */
export const targets: Record<string, TargetDefinition> = { deployed, embedded };

export function targetNamed(name: string): TargetDefinition {
  const target = targets[name];
  if (!target) throw new Error(`Unknown benchmark target "${name}"; known: ${Object.keys(targets).join(', ')}.`);
  return target;
}
