import { buildSchema, getOperationAST, parse } from 'graphql';
import { describe, expect, test } from 'vitest';
import { CostCalculator, countSelections, defaultCostModel, operationCost } from './cost.js';

const schema = buildSchema(`
  type Query {
    viewer: Viewer
    project(id: ID!): Project
    projects: [Project!]!
    search(text: String!): [Result!]!
  }
  type Mutation { renameProject(name: String!): RenamePayload! }
  type RenamePayload { project: Project userErrors: [UserError!]! }
  type UserError { message: String! }
  type Viewer { name: String! projects: [Project!]! }
  type Project {
    name: String!
    tags: [String!]!
    tasks(first: Int = 50, after: String): TaskConnection!
    history(last: Int): TaskConnection!
    unsized(first: Int): TaskConnection!
  }
  type TaskConnection { totalCount: Int! pageInfo: PageInfo! nodes: [Task!]! edges: [TaskEdge!]! }
  type TaskEdge { cursor: String! node: Task! }
  type PageInfo { hasNextPage: Boolean! }
  type Task { title: String! assignees: [Account!]! project: Project! }
  type Account { name: String! }
  union Result = Task | Account
`);

function cost(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  return operationCost(schema, document, getOperationAST(document)!, variables, defaultCostModel, 10_000);
}

describe('cost model', () => {
  test('scalars cost nothing, objects one point', () => {
    expect(cost('{ viewer { name } }')).toBe(1);
  });

  test('plain list counts ten items', () => {
    // 10 projects, each 1 point.
    expect(cost('{ projects { name } }')).toBe(10);
    expect(cost('{ projects { name tags } }')).toBe(10);
  });

  test('first multiplies the connection subtree', () => {
    // The connection (1) plus 7 items of nodes (1 each).
    expect(cost('{ viewer { projects { tasks(first: 7) { nodes { title } } } } }')).toBe(1 + 10 * (1 + 1 + 7 * 1));
    expect(cost('query($id: ID!) { project(id: $id) { tasks(first: 7) { totalCount nodes { title } } } }', { id: 'p' })).toBe(1 + 1 + 7);
  });

  test('first from a variable', () => {
    const query = 'query($n: Int) { project(id: "p") { tasks(first: $n) { nodes { title } } } }';
    expect(cost(query, { n: 3 })).toBe(1 + 1 + 3);
    expect(cost(query, { n: 100 })).toBe(1 + 1 + 100);
  });

  test('schema default when first is absent', () => {
    expect(cost('{ project(id: "p") { tasks { nodes { title } } } }')).toBe(1 + 1 + 50);
  });

  test('last multiplies like first', () => {
    expect(cost('{ project(id: "p") { history(last: 4) { nodes { title } } } }')).toBe(1 + 1 + 4);
  });

  test('unsized connection counts ten items', () => {
    expect(cost('{ project(id: "p") { unsized { nodes { title } } } }')).toBe(1 + 1 + 10);
  });

  test('edges count once per item', () => {
    // Each of 5 edges (1) with its node (1), and pageInfo (1) per item too.
    expect(cost('{ project(id: "p") { tasks(first: 5) { pageInfo { hasNextPage } edges { node { title } } } } }')).toBe(1 + 1 + 5 * (1 + 2));
  });

  test('nested connections multiply', () => {
    const query = '{ project(id: "p") { tasks(first: 10) { nodes { project { tasks(first: 20) { nodes { assignees { name } } } } } } } }';
    // Inner page: 1 + 20 * (node 1 + 10 assignees) = 221; each outer node: 1 + project 1 + 221.
    expect(cost(query)).toBe(1 + 1 + 10 * (1 + 1 + 221));
  });

  test('fragments count like inline fields', () => {
    const inline = cost('{ project(id: "p") { tasks(first: 10) { nodes { title assignees { name } } } } }');
    const withFragments = cost(`
      { project(id: "p") { ...ProjectTasks } }
      fragment ProjectTasks on Project { tasks(first: 10) { nodes { ...TaskFields } } }
      fragment TaskFields on Task { title ...Assignees }
      fragment Assignees on Task { assignees { name } }
    `);
    expect(withFragments).toBe(inline);
    expect(withFragments).toBe(1 + 1 + 10 * (1 + 10));
  });

  test('union counts its costliest member', () => {
    expect(cost('{ search(text: "a") { ... on Task { assignees { name } } ... on Account { name } } }')).toBe(10 * (1 + 10));
  });

  test('mutation root field costs ten', () => {
    expect(cost('mutation { renameProject(name: "x") { project { name } userErrors { message } } }')).toBe(10 + 1 + 10);
  });

  test('skipped selections cost nothing', () => {
    expect(cost('query($skip: Boolean!) { viewer { name } projects @skip(if: $skip) { name } }', { skip: true })).toBe(1);
  });

  test('mistyped variable throws', () => {
    expect(() => cost('query($n: Int) { project(id: "p") { tasks(first: $n) { totalCount } } }', { n: 'many' })).toThrow(/\$n/);
  });
});

describe('countSelections', () => {
  const count = (query: string) => {
    const document = parse(query);
    return countSelections(document, getOperationAST(document)!);
  };

  test('fields and fragments', () => {
    expect(count('{ viewer { name } }')).toBe(2);
    // The spread, then the fragment's two selections.
    expect(count('{ viewer { ...V } } fragment V on Viewer { name projects { name } }')).toBe(1 + 1 + 3);
  });

  test('fragment doubling expands exponentially', () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, level) =>
      level === levels - 1 ? `fragment F${level} on Query { viewer { name } }` : `fragment F${level} on Query { ...F${level + 1} ...F${level + 1} }`,
    ).join('\n');
    // Counted without expanding, it returns at once; 2^29 spreads reach the last fragment.
    expect(count(`{ ...F0 } ${fragments}`)).toBeGreaterThan(2 ** 29);
  });

  test('fragment cycle ends', () => {
    expect(count('{ ...A } fragment A on Query { viewer { name } ...B } fragment B on Query { ...A }')).toBeGreaterThan(0);
  });
});

describe('CostCalculator', () => {
  const query = `query($id: ID!, $n: Int, $withHistory: Boolean!, $r: Int) {
    project(id: $id) {
      tasks(first: $n) { nodes { title } }
      history(last: $r) @include(if: $withHistory) { ...Nodes }
    }
  }
  fragment Nodes on TaskConnection { nodes { title assignees { name } } }`;
  const document = parse(query);
  const operation = getOperationAST(document)!;

  test('matches operationCost per variables', () => {
    const calculator = new CostCalculator(defaultCostModel, 10_000);
    const cases = [
      { id: 'p1', n: 5, withHistory: false, r: 3 },
      { id: 'p2', n: 5, withHistory: false, r: 3 },
      { id: 'p1', n: 40, withHistory: false, r: 3 },
      { id: 'p1', n: 40, withHistory: true, r: 3 },
      { id: 'p1', n: 40, withHistory: true, r: 30 },
      { id: 'p3', n: 5, withHistory: false, r: 3 },
      { id: 'p1', withHistory: true },
    ];
    // Twice over, so that the second pass reads what the first one kept.
    for (const variables of [...cases, ...cases]) {
      expect(calculator.cost(schema, document, operation, variables), JSON.stringify(variables)).toBe(operationCost(schema, document, operation, variables, defaultCostModel, 10_000));
    }
  });

  test('mistyped variable throws after a kept cost', () => {
    const calculator = new CostCalculator(defaultCostModel, 10_000);
    calculator.cost(schema, document, operation, { id: 'p1', n: 5, withHistory: false });
    expect(() => calculator.cost(schema, document, operation, { id: 'p1', n: 'many', withHistory: false })).toThrow(/\$n/);
    expect(() => calculator.cost(schema, document, operation, { id: 'p1', n: 5 })).toThrow(/\$withHistory/);
  });

  test('selections match countSelections', () => {
    expect(new CostCalculator(defaultCostModel, 10_000).selections(schema, document, operation)).toBe(countSelections(document, operation));
  });
});
