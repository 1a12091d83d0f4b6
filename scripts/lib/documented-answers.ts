import { Validator } from "@cfworker/json-schema";
import document from "../../src/generated/openapi.json";

// What the generated OpenAPI document promises about each answer, as code: the workerd tests check
// every response they get against it (test/harness.ts), and `npm run load` every answer under load.

interface DocumentedResponse {
  content?: Record<string, { schema?: object }>;
}

interface DocumentedOperationSpec {
  operationId: string;
  responses: Record<string, DocumentedResponse>;
}

export interface DocumentedOperation {
  operationId: string;
  method: string;
  /** The path as the document writes it, e.g. `/api/public/contact/{aiContactId}/info`. */
  template: string;
  pattern: RegExp;
  statuses: string[];
  /** One per status with a JSON body: the schema with the document's components beside it. */
  validators: Map<string, Validator>;
}

/**
 * Each operation of the OpenAPI document: how its path matches a request, its statuses, and a
 * validator per JSON response (the schema with the document's components beside it, so that its
 * `#/components/schemas/...` references resolve).
 */
export const OPERATIONS: readonly DocumentedOperation[] = Object.entries(
  document.paths as Record<string, Record<string, DocumentedOperationSpec>>,
).flatMap(([template, operations]) =>
  Object.entries(operations).map(([method, operation]) => ({
    operationId: operation.operationId,
    method: method.toUpperCase(),
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`),
    statuses: Object.keys(operation.responses),
    validators: new Map(
      Object.entries(operation.responses).flatMap(([status, response]) => {
        const schema = response.content?.["application/json"]?.schema;
        return schema
          ? [
              [
                status,
                new Validator({ ...schema, components: document.components } as never, "2020-12", false),
              ] as const,
            ]
          : [];
      }),
    ),
  })),
);

/** The documented operation a request reaches, if any (not the docs, an unknown path or method). */
export function operationOf(method: string, path: string): DocumentedOperation | undefined {
  const pathname = path.split("?")[0] ?? path;
  return OPERATIONS.find((o) => o.method === method.toUpperCase() && o.pattern.test(pathname));
}

/**
 * How an answer departs from its operation's documentation, as readable lines (none when it does
 * not): a status the operation does not declare, a JSON body that does not validate against the
 * schema the document gives that status (JSON Schema 2020-12; unknown properties are refused where
 * the document says so), or an error whose body is not exactly `{error, request_id}`. `body` is the
 * parsed JSON, or undefined when the answer was not JSON.
 */
export function answerProblems(operation: DocumentedOperation, status: number, body: unknown): string[] {
  const where = `${operation.method} ${operation.template} answered ${status}`;
  if (!operation.statuses.includes(String(status))) {
    return [`${where}, which its OpenAPI operation does not declare`];
  }
  const problems: string[] = [];
  const validator = operation.validators.get(String(status));
  if (validator && body !== undefined) {
    for (const error of validator.validate(body).errors.slice(0, 5)) {
      problems.push(
        `${where}: the body does not match its documented schema: ${error.instanceLocation}: ${error.error}`,
      );
    }
  }
  if (status >= 400) {
    const keys =
      body !== null && typeof body === "object" ? Object.keys(body).sort().join(",") : String(body);
    if (keys !== "error,request_id") {
      problems.push(`${where}: an error body must be exactly {error, request_id}, got keys ${keys}`);
    }
  }
  return problems;
}
