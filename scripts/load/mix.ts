// The request mix of `npm run load`: which kind of request number n is, and how many of that kind
// came before it. Pure arithmetic over one fixed cycle, so any request number can be planned on its
// own, in any order, and a plan never depends on what was answered.

/** Every operation of the OpenAPI document (src/generated/openapi.json); the mix covers each. */
export const OPERATION_IDS = [
  "updateContactMetadata",
  "updateContactsMetadata",
  "getContactInfo",
  "createContact",
  "getContactActivity",
  "searchContacts",
  "upsertContact",
  "listCustomFields",
  "putCustomField",
  "deleteCustomField",
  "deleteCustomFieldAlias",
  "getUsage",
  "receiveFormSubmission",
  "createWebhookEndpoint",
  "listWebhookEndpoints",
  "deleteWebhookEndpoint",
  "listWebhookEndpointDeliveries",
  "retryWebhookEndpointDelivery",
] as const;
export type OperationId = (typeof OPERATION_IDS)[number];

/**
 * The kinds of request, each one route; some routes twice, for the two answers they give (an upsert
 * that finds its contact and one that creates it, a PUT that creates a field and one that replaces
 * it) or the two ways in (a webhook with and without a signing secret, and a forged signature that
 * must be refused). Weights are per cycle: writes of single contacts dominate, as they do in use;
 * endpoint writes are rarest, since a tenant holds at most 20 endpoints (see `ENDPOINT_WRITES_PER_TENANT`).
 */
export const CASES = {
  update: { operation: "updateContactMetadata", weight: 6 },
  bulk: { operation: "updateContactsMetadata", weight: 2 },
  createContact: { operation: "createContact", weight: 2 },
  upsertFound: { operation: "upsertContact", weight: 2 },
  upsertCreated: { operation: "upsertContact", weight: 2 },
  info: { operation: "getContactInfo", weight: 4 },
  activity: { operation: "getContactActivity", weight: 2 },
  search: { operation: "searchContacts", weight: 2 },
  listFields: { operation: "listCustomFields", weight: 2 },
  createField: { operation: "putCustomField", weight: 2 },
  replaceField: { operation: "putCustomField", weight: 2 },
  deleteField: { operation: "deleteCustomField", weight: 2 },
  deleteAlias: { operation: "deleteCustomFieldAlias", weight: 2 },
  usage: { operation: "getUsage", weight: 2 },
  webhook: { operation: "receiveFormSubmission", weight: 2 },
  signedWebhook: { operation: "receiveFormSubmission", weight: 2 },
  forgedWebhook: { operation: "receiveFormSubmission", weight: 1 },
  createEndpoint: { operation: "createWebhookEndpoint", weight: 1 },
  listEndpoints: { operation: "listWebhookEndpoints", weight: 2 },
  deleteEndpoint: { operation: "deleteWebhookEndpoint", weight: 1 },
  listDeliveries: { operation: "listWebhookEndpointDeliveries", weight: 2 },
  retryDelivery: { operation: "retryWebhookEndpointDelivery", weight: 2 },
} as const satisfies Record<string, { operation: OperationId; weight: number }>;
export type CaseName = keyof typeof CASES;

/**
 * The weights spread evenly over one cycle (smooth weighted round-robin, as nginx balances
 * upstreams): each kind recurs at regular intervals instead of in runs, so whatever 20 requests
 * are in flight at a moment are a mix of routes, not 20 of one.
 */
function interleave(weights: readonly (readonly [CaseName, number])[]): CaseName[] {
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  const credit = new Map<CaseName, number>(weights.map(([name]) => [name, 0]));
  const cycle: CaseName[] = [];
  for (let slot = 0; slot < total; slot++) {
    let best: CaseName | undefined;
    for (const [name, weight] of weights) {
      const next = (credit.get(name) ?? 0) + weight;
      credit.set(name, next);
      if (best === undefined || next > (credit.get(best) ?? 0)) {
        best = name;
      }
    }
    if (best === undefined) {
      throw new Error("the mix has no cases");
    }
    credit.set(best, (credit.get(best) ?? 0) - total);
    cycle.push(best);
  }
  return cycle;
}

const CYCLE: readonly CaseName[] = interleave(
  Object.entries(CASES).map(([name, { weight }]) => [name as CaseName, weight] as const),
);
/** For each slot of the cycle: how many slots of the same kind precede it in the cycle. */
const EARLIER_IN_CYCLE: readonly number[] = CYCLE.map(
  (name, slot) => CYCLE.slice(0, slot).filter((other) => other === name).length,
);

/** Request number n's kind, and `ordinal`: how many requests of that kind have lower numbers. */
export function caseOf(n: number): { name: CaseName; ordinal: number } {
  const slot = n % CYCLE.length;
  const name = CYCLE[slot];
  const earlier = EARLIER_IN_CYCLE[slot];
  if (name === undefined || earlier === undefined) {
    throw new Error(`no cycle slot ${slot}`);
  }
  return { name, ordinal: Math.floor(n / CYCLE.length) * CASES[name].weight + earlier };
}
