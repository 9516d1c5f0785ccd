import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from './context.js';
import type { CostBudget } from './cost-budget.js';
import { CostCalculator } from './cost.js';
import { LimitExceededError, type LimitSettings } from './limits.js';

/** The cost report under `extensions.cost` of each executed operation's response. */
export interface CostReport {
  /** Points this operation cost. */
  requested: number;
  /** Maximum points that one operation may cost. */
  limit: number;
  /** The caller's budget after this operation; absent when budgets are off. */
  budget?: { remaining: number; capacity: number; refillPerSecond: number };
}

/** Returns the key of a caller's budget: the account, the admin behind a view-as request, or the client address of an anonymous caller. */
export function budgetKey(context: GatewayContext): string {
  const viewer = context.viewer;
  if (viewer) return `account:${viewer.viewAs?.adminAccountId ?? viewer.accountId}`;
  return `address:${context.clientAddress}`;
}

/**
 * Computes the cost of each operation once it is resolved, with its variables. Before any
 * subgraph runs, it rejects an operation that has too many selections, costs more than
 * `maxCost`, or costs more than the caller's budget has left (HTTP 429 with Retry-After). Each
 * executed operation's response reports its cost under `extensions.cost`.
 */
export function costLimits(settings: LimitSettings, budget: CostBudget | null): ApolloServerPlugin<GatewayContext> {
  const calculator = new CostCalculator(settings.costModel, settings.maxExpandedSelections);
  return {
    async requestDidStart() {
      let report: CostReport | undefined;
      return {
        async didResolveOperation({ document, operation, request, schema, contextValue }) {
          // A request naming an operation the document lacks fails without running anything.
          if (!operation) return;

          const selections = calculator.selections(schema, document, operation);
          if (selections > settings.maxExpandedSelections) {
            throw new LimitExceededError(
              'MAX_EXPANSION_EXCEEDED',
              `With its fragments expanded, the operation has ${selections} selections, more than the limit of ${settings.maxExpandedSelections}. Spread fewer fragments, or split the operation.`,
              settings.maxExpandedSelections,
              selections,
            );
          }

          let cost: number;
          try {
            cost = calculator.cost(schema, document, operation, request.variables);
          } catch (error) {
            // Variables that do not match their types; execution would reject them the same way.
            if (error instanceof GraphQLError) throw new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
            throw error;
          }
          if (cost > settings.maxCost) {
            throw new LimitExceededError(
              'QUERY_COST_EXCEEDED',
              `The operation costs ${cost} points, more than the limit of ${settings.maxCost} for one operation. Request smaller pages with first, fewer nested lists, or split the operation.`,
              settings.maxCost,
              cost,
            );
          }

          if (!budget || !settings.budget) {
            report = { requested: cost, limit: settings.maxCost };
            return;
          }
          const { capacity, refillPerSecond } = settings.budget;
          const outcome = await budget.consume(budgetKey(contextValue), cost);
          if (!outcome.allowed) {
            const retryAfterSeconds = Math.ceil(outcome.retryAfterMs / 1000);
            throw new LimitExceededError(
              'COST_BUDGET_EXHAUSTED',
              `The operation costs ${cost} points, but your cost budget holds ${outcome.remaining} of its ${capacity}; it refills by ${refillPerSecond} points per second. Retry after ${retryAfterSeconds} seconds, or send cheaper operations.`,
              outcome.remaining,
              cost,
              { status: 429, headers: { 'retry-after': String(retryAfterSeconds) }, details: { remaining: outcome.remaining, capacity, refillPerSecond, retryAfterSeconds } },
            );
          }
          report = { requested: cost, limit: settings.maxCost, budget: { remaining: outcome.remaining, capacity, refillPerSecond } };
        },

        async willSendResponse({ response }) {
          if (!report || response.body.kind !== 'single') return;
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, cost: report };
        },
      };
    },
  };
}
