// Summarises the `.cpuprofile` files that `BENCH_PROFILE=<folder> npm run bench` leaves behind:
// per process, the share of sampled time by package and the functions with the most self and
// total time. Usage: node --import tsx scripts/bench/profile-summary.ts <file or folder> [rows]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Names the package or project folder that a script URL belongs to. */
function packageOf(url: string): string {
  if (url === '') return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return 'node:internal';
  const project = url.match(/\/(gateway|subgraphs\/[a-z]+|db|scripts\/bench\/[a-z]+)\//);
  return project ? project[1]! : url.replace(/^file:\/\//, '');
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(gateway|subgraphs|db)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function findProfiles(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    if (statSync(path).isDirectory()) return findProfiles(path);
    return entry.endsWith('.cpuprofile') ? [path] : [];
  });
}

function top(map: Map<string, number>, rows: number): Array<[string, number]> {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, rows);
}

function summarise(path: string, rows: number): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

  let total = 0;
  let idle = 0;
  const selfByPackage = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  const totalByPackage = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const node = byId.get(id)!;
    total += micros;
    if (node.callFrame.functionName === '(idle)') {
      idle += micros;
      continue;
    }
    const name = frameName(node);
    selfByPackage.set(packageOf(node.callFrame.url), (selfByPackage.get(packageOf(node.callFrame.url)) ?? 0) + micros);
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + micros);
    // Total time: count the sample once for every distinct function and package on its stack.
    const seenFunctions = new Set<string>();
    const seenPackages = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)!;
      if (frame.callFrame.url === '' && frame.callFrame.functionName.startsWith('(')) continue;
      seenFunctions.add(frameName(frame));
      seenPackages.add(packageOf(frame.callFrame.url));
    }
    for (const functionName of seenFunctions) totalByFunction.set(functionName, (totalByFunction.get(functionName) ?? 0) + micros);
    for (const packageName of seenPackages) totalByPackage.set(packageName, (totalByPackage.get(packageName) ?? 0) + micros);
  }

  const busy = total - idle;
  const percent = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
  console.log(`\n## ${relative(process.cwd(), path)}: ${(busy / 1e6).toFixed(1)} s busy of ${(total / 1e6).toFixed(1)} s sampled`);
  console.log('\nself time by package');
  for (const [name, micros] of top(selfByPackage, rows)) console.log(`  ${percent(micros)}  ${name}`);
  console.log('\ntotal time by package (a sample counts once for each package on its stack)');
  for (const [name, micros] of top(totalByPackage, rows)) console.log(`  ${percent(micros)}  ${name}`);
  console.log('\nself time by function');
  for (const [name, micros] of top(selfByFunction, rows)) console.log(`  ${percent(micros)}  ${name}`);
  console.log('\ntotal time by function');
  for (const [name, micros] of top(totalByFunction, rows)) console.log(`  ${percent(micros)}  ${name}`);
}

const folder = process.argv[2];
if (!folder) {
  console.error('Usage: node --import tsx scripts/bench/profile-summary.ts <.cpuprofile file or folder> [rows]');
  process.exit(2);
}
const rows = Number(process.argv[3] ?? 25);
const profiles = statSync(folder).isDirectory() ? findProfiles(folder) : [folder];
if (profiles.length === 0) console.error(`No .cpuprofile files found under ${folder}.`);
for (const path of profiles) summarise(path, rows);
