import fc, { type GeneratorValue } from 'fast-check';
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** The function through which the generator draws each value from fast-check. */
export type Draw = GeneratorValue;

/** Kinds of IDs the seed records, used to steer an ID argument towards IDs of the kind it names. */
export type IdKind = 'project' | 'task' | 'timeEntry' | 'workspace' | 'account' | 'invitation' | 'role' | 'comment' | 'notification';

/** IDs and tokens the generator fills arguments from. */
export interface ArgumentPools {
  /** Every seeded ID of each kind, visible to the caller or not. */
  ids: Record<IdKind, string[]>;
  /** Invitation tokens: open, accepted, revoked, plus a few that match nothing. */
  invitationTokens: string[];
}

export interface GeneratorLimits {
  /** Maximum number of root fields in one operation, each under its own alias. */
  maxRootFields: number;
  /** Maximum number of levels of object fields, the root field included. */
  maxDepth: number;
  /** Maximum number of fields picked on one object besides `__typename` and `id`. */
  maxWidth: number;
}

export const defaultLimits: GeneratorLimits = { maxRootFields: 4, maxDepth: 5, maxWidth: 4 };

/** One generated operation and what the generator did while building it. */
export interface GeneratedOperation {
  query: string;
  /** Query root fields the operation selects. */
  rootFields: string[];
  /** Coordinates (`Type.field`) of fields left out because a required argument could not be filled. */
  skipped: string[];
  /** Coordinates (`Type.field(argument:)`) of optional arguments left out because no valid value can be made up, such as cursors. */
  unfilledOptional: string[];
  /** Aliases used, to stay under the gateway's limit. */
  aliases: number;
}

/** Marks a required argument that the generator cannot fill with a valid value. */
const unfillable = Symbol('unfillable');
type Filled = string | typeof unfillable | undefined;

/** Guesses the ID kind an argument expects from its own name, or else from its field's name. */
function idKindHint(argumentName: string, fieldName: string): IdKind | undefined {
  const hints: [RegExp, IdKind][] = [
    [/timeEntry/i, 'timeEntry'],
    [/comment/i, 'comment'],
    [/notification/i, 'notification'],
    [/task/i, 'task'],
    [/project/i, 'project'],
    [/workspace/i, 'workspace'],
    [/account|actor/i, 'account'],
    [/invitation/i, 'invitation'],
    [/role/i, 'role'],
  ];
  for (const name of [argumentName, fieldName]) {
    if (name === 'id' || name === 'ids') continue;
    for (const [pattern, kind] of hints) if (pattern.test(name)) return kind;
  }
  for (const [pattern, kind] of hints) if (pattern.test(fieldName)) return kind;
  return undefined;
}

/** Builds random read operations over the API schema, starting at the Query root. */
export class OperationGenerator {
  private readonly queryType: GraphQLObjectType;
  readonly rootFieldNames: string[];
  private readonly allIds: string[];
  private unfilledOptional: string[] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly pools: ArgumentPools,
    private readonly limits: GeneratorLimits = defaultLimits,
  ) {
    const queryType = schema.getQueryType();
    if (!queryType) throw new Error('The API schema has no Query type.');
    this.queryType = queryType;
    this.rootFieldNames = Object.keys(queryType.getFields()).sort();
    this.allIds = Object.values(pools.ids).flat();
  }

  generate(draw: Draw): GeneratedOperation {
    const skipped: string[] = [];
    this.unfilledOptional = [];
    const rootFields: string[] = [];
    const selections: string[] = [];
    const count = draw(fc.integer, { min: 1, max: this.limits.maxRootFields });
    for (let index = 0; index < count; index += 1) {
      const name = draw(fc.constantFrom, ...this.rootFieldNames);
      const field = this.queryType.getFields()[name]!;
      const selection = this.selectField(draw, this.queryType, field, 1, skipped);
      if (selection === undefined) continue;
      rootFields.push(name);
      selections.push(`r${index}: ${selection}`);
    }
    // An operation needs at least one field; __typename is always valid on Query.
    if (selections.length === 0) selections.push('__typename');
    return { query: `query Generated {\n  ${selections.join('\n  ')}\n}`, rootFields, skipped, aliases: selections.length, unfilledOptional: this.unfilledOptional };
  }

  /** Selects `field` with generated arguments and, for an object type, a sub-selection; undefined when an argument cannot be filled. */
  private selectField(draw: Draw, parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>, depth: number, skipped: string[]): string | undefined {
    const args = this.fillArguments(draw, field);
    if (args === unfillable) {
      skipped.push(`${parent.name}.${field.name}`);
      return undefined;
    }
    const named = getNamedType(field.type);
    if (isLeafType(named)) return `${field.name}${args}`;
    return `${field.name}${args} { ${this.selectOn(draw, named, depth, skipped)} }`;
  }

  /** The sub-selection of a composite type at `depth` (the level of the field that returns it). */
  private selectOn(draw: Draw, type: GraphQLNamedType, depth: number, skipped: string[]): string {
    if (isAbstractType(type)) {
      const parts = ['__typename'];
      for (const possible of this.schema.getPossibleTypes(type)) {
        parts.push(`... on ${possible.name} { ${this.selectOn(draw, possible, depth, skipped)} }`);
      }
      return parts.join(' ');
    }
    if (!isObjectType(type)) throw new Error(`Cannot select on ${type.name}.`);
    const fields = type.getFields();
    const parts = ['__typename'];
    if (fields.id) parts.push('id');
    const candidates = Object.values(fields).filter((candidate) => {
      if (candidate.name === 'id') return false;
      // Below the deepest level only leaf fields remain.
      return depth < this.limits.maxDepth || isLeafType(getNamedType(candidate.type));
    });
    if (candidates.length === 0) return parts.join(' ');
    // fast-check compares the arguments of each draw, so it gets names rather than the cyclic field objects.
    const names = candidates.map((candidate) => candidate.name);
    const picked = draw(fc.shuffledSubarray, names, { minLength: 1, maxLength: Math.min(this.limits.maxWidth, names.length) });
    for (const name of picked) {
      const selection = this.selectField(draw, type, fields[name]!, depth + 1, skipped);
      if (selection !== undefined) parts.push(selection);
    }
    return parts.join(' ');
  }

  /** Builds the argument list such as `(a: 1, b: "x")`, an empty string when no argument is given, or `unfillable`. */
  private fillArguments(draw: Draw, field: GraphQLField<unknown, unknown>): string | typeof unfillable {
    const parts: string[] = [];
    for (const argument of field.args) {
      const value = this.fillArgument(draw, argument, field.name);
      if (value === unfillable) return unfillable;
      if (value !== undefined) parts.push(`${argument.name}: ${value}`);
    }
    return parts.length === 0 ? '' : `(${parts.join(', ')})`;
  }

  private fillArgument(draw: Draw, argument: GraphQLArgument | GraphQLInputField, fieldName: string): Filled {
    const required = isNonNullType(argument.type) && argument.defaultValue === undefined;
    // Optional arguments are left out half of the time, so defaults get exercised too.
    if (!required && draw(fc.boolean)) return undefined;
    const value = this.fillValue(draw, argument.type, argument.name, fieldName);
    if (value === unfillable && !required) {
      this.unfilledOptional.push(`${fieldName}(${argument.name}:)`);
      return undefined;
    }
    return value;
  }

  /** Builds a GraphQL literal of `type`, or returns `undefined` to leave it out, or `unfillable`. */
  private fillValue(draw: Draw, type: GraphQLInputType, name: string, fieldName: string): Filled {
    if (isNonNullType(type)) return this.fillValue(draw, type.ofType, name, fieldName);
    if (isListType(type)) {
      const length = draw(fc.integer, { min: 0, max: 3 });
      const items: string[] = [];
      for (let index = 0; index < length; index += 1) {
        const item = this.fillValue(draw, type.ofType, name, fieldName);
        if (item === unfillable) return unfillable;
        if (item !== undefined) items.push(item);
      }
      return `[${items.join(', ')}]`;
    }
    if (isEnumType(type)) return draw(fc.constantFrom, ...type.getValues().map((value) => value.name));
    if (isInputObjectType(type)) {
      const parts: string[] = [];
      for (const inputField of Object.values(type.getFields())) {
        const value = this.fillArgument(draw, inputField, fieldName);
        if (value === unfillable) return unfillable;
        if (value !== undefined) parts.push(`${inputField.name}: ${value}`);
      }
      return `{ ${parts.join(', ')} }`;
    }
    if (!isScalarType(type)) return unfillable;
    switch (type.name) {
      case 'ID':
        return JSON.stringify(this.drawId(draw, idKindHint(name, fieldName)));
      case 'Int':
        // Every Int argument of the schema today is a page size of 1 to 100.
        return name === 'first' ? String(draw(fc.integer, { min: 1, max: 100 })) : unfillable;
      case 'Boolean':
        return String(draw(fc.boolean));
      case 'Date':
        return JSON.stringify(draw(fc.date, { min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).toISOString().slice(0, 10));
      case 'DateTime':
        return JSON.stringify(draw(fc.date, { min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }).toISOString());
      case 'String':
        if (name === 'token') return JSON.stringify(draw(fc.constantFrom, ...this.pools.invitationTokens));
        // Pagination cursors and other strings cannot be made up validly.
        return unfillable;
      default:
        return unfillable;
    }
  }

  /** Draws an ID of the hinted kind, any seeded ID, or a random UUID. */
  private drawId(draw: Draw, hint: IdKind | undefined): string {
    const source = draw(fc.integer, { min: 0, max: 9 });
    const hinted = hint ? this.pools.ids[hint] : [];
    if (source < 6 && hinted.length > 0) return draw(fc.constantFrom, ...hinted);
    if (source < 9) return draw(fc.constantFrom, ...this.allIds);
    return draw(fc.uuid);
  }
}
