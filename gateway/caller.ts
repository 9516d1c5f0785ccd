import type { GatewayContext } from './context.js';

/**
 * Kinds of caller that the gateway's policies tell apart. Policies map every kind to a decision
 * (see `introspectionAccess`), so adding a kind, such as integration tokens, fails to compile
 * until each policy decides for it.
 */
export type CallerKind = 'anonymous' | 'signedIn';

/**
 * Decides the kind of a request's caller from its context. This is the one place that does. Every
 * request with a viewer counts as signed in, a view-as request included (it runs as the viewed
 * member).
 * NOTE: a caller authenticated by an integration token has a viewer too, so it counts as signed
 * in until it gets a kind of its own here.
 */
export function callerKindOf(context: Pick<GatewayContext, 'viewer'>): CallerKind {
  return context.viewer ? 'signedIn' : 'anonymous';
}
