import { answerProblems, OPERATIONS } from "../lib/documented-answers";
import type { Expectation, PlannedRequest } from "./plan";

// What each answer of the burst must be, checked as it arrives: documented (its status declared by
// its operation, its body valid against the OpenAPI schema), and, for a 2xx, saying what the plan
// asked for: the contact asked about, the key written, the field deleted.

export interface AnswerCheck {
  /** Where the answer departs from its documentation or from the plan; empty when it does not. */
  problems: string[];
  /** The id the answer gives the contact or endpoint the request created. */
  created?: string;
}

interface FieldAnswer {
  key: string;
  value: string | null;
  ai_contact_id: string;
}

interface BulkResult {
  status: number;
  ai_contact_id: string | null;
  fields?: FieldAnswer[];
}

interface IdAnswer {
  id: string;
}

const OPERATION_BY_ID = new Map(OPERATIONS.map((o) => [o.operationId, o]));

/**
 * Refusals any request may meet under load without being wrong: its credential's rate limit, and a
 * database that is briefly unavailable. Any other refusal of a request planned to succeed (a 404 on
 * a seeded contact, a 409, a 500) is a wrong answer.
 */
const LOAD_REFUSALS = new Set([429, 503]);

const holds = (condition: boolean, problem: string): string | undefined => (condition ? undefined : problem);

/** One field per planned key, each with its planned value, all on one contact; that contact's id. */
function fieldsSay(
  fields: readonly FieldAnswer[],
  planned: readonly { key: string; value: string }[],
): { contactId?: string; problem?: string } {
  const contactId = fields[0]?.ai_contact_id;
  const wrong =
    fields.length !== planned.length ||
    planned.some(({ key, value }) => !fields.some((f) => f.key === key && f.value === value)) ||
    fields.some((f) => f.ai_contact_id !== contactId);
  return wrong
    ? {
        problem: `fields ${JSON.stringify(fields.map((f) => [f.key, f.value]))}, planned ${JSON.stringify(planned)}`,
      }
    : { ...(contactId === undefined ? {} : { contactId }) };
}

/** The plan's own check of a documented 2xx body: a problem, and the id of what it created. */
function saysPlanned(expect: Expectation, body: unknown): { problem?: string | undefined; created?: string } {
  switch (expect.kind) {
    case "fields": {
      // update-metadata answers the fields; create, upsert and webhooks an object that holds them.
      const answer = body as {
        id?: string;
        ai_contact_id?: string;
        created?: boolean;
        fields?: FieldAnswer[];
      };
      const fields = Array.isArray(body) ? (body as FieldAnswer[]) : (answer.fields ?? []);
      const said = fieldsSay(fields, expect.fields);
      const contactId = answer.id ?? answer.ai_contact_id ?? said.contactId;
      if (said.problem) {
        return { problem: said.problem };
      }
      if (expect.created !== undefined && answer.created !== expect.created) {
        return { problem: `created: ${answer.created}, planned ${expect.created}` };
      }
      if (expect.contactId === null) {
        return contactId === undefined
          ? { problem: "no id for the created contact" }
          : { created: contactId };
      }
      return {
        problem: holds(contactId === expect.contactId, `contact ${contactId}, planned ${expect.contactId}`),
      };
    }
    case "bulk": {
      const results = (body as { results: BulkResult[] }).results;
      let created: string | undefined;
      for (const [i, item] of expect.items.entries()) {
        const result = results[i];
        const said = fieldsSay(result?.fields ?? [], [item]);
        if (!result || result.status !== item.status || said.problem) {
          return { problem: `item ${i}: ${JSON.stringify(result)}, planned ${JSON.stringify(item)}` };
        }
        if (item.contactId === null) {
          created = result.ai_contact_id ?? undefined;
        } else if (result.ai_contact_id !== item.contactId) {
          return { problem: `item ${i} wrote contact ${result.ai_contact_id}, planned ${item.contactId}` };
        }
      }
      return {
        problem: holds(results.length === expect.items.length, `${results.length} results`),
        ...(created === undefined ? {} : { created }),
      };
    }
    case "info": {
      const info = body as { id: string; metadata: Record<string, string> };
      return {
        problem: holds(
          info.id === expect.contactId && info.metadata[expect.key] === expect.value,
          `contact ${info.id} with ${expect.key}=${info.metadata[expect.key]}, planned ${expect.contactId} with ${expect.value}`,
        ),
      };
    }
    case "history": {
      const { data } = body as { data: { changes: { key: string; new_value: string | null }[] }[] };
      const change = data[0]?.changes[0];
      return {
        problem: holds(
          data.length === 1 && change?.key === expect.key && change.new_value === expect.value,
          `history ${JSON.stringify(data.map((e) => e.changes))}, planned one entry setting ${expect.key}=${expect.value}`,
        ),
      };
    }
    case "found": {
      const { data } = body as { data: IdAnswer[] };
      return {
        problem: holds(
          data.length === 1 && data[0]?.id === expect.contactId,
          `found ${JSON.stringify(data.map((c) => c.id))}, planned exactly ${expect.contactId}`,
        ),
      };
    }
    case "definitions": {
      const { data } = body as { data: { key: string }[] };
      return {
        problem: holds(
          data.some((d) => d.key === expect.key),
          `no definition ${expect.key} listed`,
        ),
      };
    }
    case "definition": {
      const answer = body as { key: string; label: string };
      return {
        problem: holds(
          answer.key === expect.key && answer.label === expect.label,
          `definition ${answer.key} "${answer.label}", planned ${expect.key} "${expect.label}"`,
        ),
      };
    }
    case "definitionDeleted":
    case "aliasDeleted": {
      const answer = body as { key: string; alias?: string };
      const alias = expect.kind === "aliasDeleted" ? expect.alias : undefined;
      return {
        problem: holds(
          answer.key === expect.key && answer.alias === alias,
          `deleted ${answer.key} ${answer.alias ?? ""}, planned ${expect.key} ${alias ?? ""}`,
        ),
      };
    }
    case "usage":
      return {};
    case "endpoint": {
      const answer = body as IdAnswer & { url: string; description: string | null };
      const problem = holds(
        answer.url === expect.url && answer.description === expect.description,
        `endpoint ${answer.url} "${answer.description}", planned ${expect.url} "${expect.description}"`,
      );
      return problem ? { problem } : { created: answer.id };
    }
    case "endpoints":
    case "deliveries": {
      const listed = body as IdAnswer[];
      return {
        problem: holds(
          listed.some((e) => e.id === expect.id),
          `${expect.id} is not listed`,
        ),
      };
    }
    case "endpointDeleted":
    case "delivery": {
      const { id } = body as IdAnswer;
      return { problem: holds(id === expect.id, `answer is about ${id}, planned ${expect.id}`) };
    }
    case "refused":
      return { problem: "planned to be refused, but acknowledged" };
  }
}

/** Checks one answer: `body` is its parsed JSON, or undefined when it was not JSON. */
export function checkAnswer(request: PlannedRequest, status: number, body: unknown): AnswerCheck {
  const operation = OPERATION_BY_ID.get(request.operation);
  if (!operation) {
    return { problems: [`${request.operation} is not an operation of the OpenAPI document`] };
  }
  const problems = answerProblems(operation, status, body);
  const documented = problems.length === 0;
  if (status !== request.status && !LOAD_REFUSALS.has(status)) {
    problems.push(`answered ${status}, planned ${request.status}`);
  }
  if (status < 200 || status >= 300 || !documented) {
    // A body that breaks its schema cannot be read for the plan's own check.
    return { problems };
  }
  const said = saysPlanned(request.expect, body);
  if (said.problem) {
    problems.push(said.problem);
  }
  return { problems, ...(said.created === undefined ? {} : { created: said.created }) };
}
