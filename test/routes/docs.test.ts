import { describe, expect, it } from "vitest";
import generated from "../../src/generated/openapi.json";
import { call } from "../harness";

describe("documentation", () => {
  it("serves an OpenAPI 3 document describing every route and the error body", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await res.json<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/public/contact",
      "/api/public/contact/{aiContactId}/activity",
      "/api/public/contact/{aiContactId}/info",
      "/api/public/contact/{aiContactId}/update-metadata",
      "/api/public/contacts/search",
      "/api/public/contacts/update-metadata",
      "/api/public/contacts/upsert",
      "/api/public/custom-fields",
      "/api/public/custom-fields/{key}",
      "/api/public/custom-fields/{key}/aliases/{alias}",
      "/api/public/usage",
      "/api/public/webhook-endpoints",
      "/api/public/webhook-endpoints/{id}",
      "/api/public/webhook-endpoints/{id}/deliveries",
      "/api/public/webhook-endpoints/{id}/deliveries/{deliveryId}/retry",
      "/api/webhooks/{token}",
    ]);
    const update = doc.paths["/api/public/contact/{aiContactId}/update-metadata"]?.post;
    expect(Object.keys(update?.responses ?? {}).sort()).toEqual([
      "200",
      "400",
      "401",
      "404",
      "409",
      "413",
      "415",
      "422",
      "429",
      "500",
      "503",
    ]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["Error", "FieldValue", "MetadataBody"]),
    );
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["ApiKey", "Bearer"]);
    // Every write with an API key takes an Idempotency-Key, marks replays, and names 409 and 422.
    // Not writes: search (a read sent as POST for its body) and a delivery's retry (a resend of
    // the same delivery with the same webhook-id, which receivers deduplicate).
    const notWrites = [
      "post /api/public/contacts/search",
      "post /api/public/webhook-endpoints/{id}/deliveries/{deliveryId}/retry",
    ];
    const writes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([method]) => (method === "post" || method === "put") && !path.startsWith("/api/webhooks"))
        .map(([method, op]) => [`${method} ${path}`, op] as const)
        .filter(([name]) => !notWrites.includes(name)),
    );
    expect(writes.map(([name]) => name).sort()).toEqual([
      "post /api/public/contact",
      "post /api/public/contact/{aiContactId}/update-metadata",
      "post /api/public/contacts/update-metadata",
      "post /api/public/contacts/upsert",
      "post /api/public/webhook-endpoints",
      "put /api/public/custom-fields/{key}",
    ]);
    for (const [name, op] of writes) {
      const { parameters = [], responses } = op as {
        parameters?: { name: string; in: string; required: boolean }[];
        responses: Record<string, { headers?: Record<string, unknown> }>;
      };
      expect(parameters, name).toContainEqual(
        expect.objectContaining({ name: "Idempotency-Key", in: "header", required: false }),
      );
      const success = Object.keys(responses).filter((status) => status.startsWith("2"));
      for (const status of success) {
        expect(Object.keys(responses[status]?.headers ?? {}), `${name} ${status}`).toEqual([
          "Idempotent-Replayed",
        ]);
      }
      expect(Object.keys(responses), name).toEqual(expect.arrayContaining(["409", "422"]));
    }
  });

  it("serves a readable docs page", async () => {
    const res = await call("/docs");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("/openapi.json");
  });

  it("answers unknown routes with the error body and a request id", async () => {
    const res = await call("/nope");
    expect(res.status).toBe(404);
    const body = await res.json<{ error: { code: string }; request_id: string }>();
    expect(body.error.code).toBe("NOT_FOUND");
    expect(body.request_id).toBe(res.headers.get("x-request-id"));
  });
});

describe("methods and the root", () => {
  it("answers a method a path does not serve with 405 and Allow, in the one error body", async () => {
    const res = await call("/api/public/custom-fields", { method: "POST", body: "{}" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    const body = await res.json<{ error: { code: string }; request_id: string }>();
    expect(body.error.code).toBe("METHOD_NOT_ALLOWED");
    expect(body.request_id).toBe(res.headers.get("x-request-id"));
    const put = await call("/api/public/contact/3f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11/update-metadata", {
      method: "GET",
    });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("POST");
    expect((await call("/api/public/custom-fields/x", { method: "PATCH" })).headers.get("allow")).toBe(
      "DELETE, PUT",
    );
  });

  it("points the root at the docs", async () => {
    const res = await call("/");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      name: "Contact metadata API",
      docs: "/docs",
      openapi: "/openapi.json",
    });
    expect(res.headers.get("link")).toContain("</docs>");
  });

  it("tells a caller without a key which schemes it can use", async () => {
    const res = await call("/api/public/custom-fields");
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("x-api-key");
  });
});

describe("the OpenAPI document as a static asset", () => {
  // Not in the Worker's bundle: scripts/lib/assets.ts copies src/generated/openapi.json (whose
  // freshness test/node/openapi-document.test.ts checks) into the assets, and the route serves it.
  it("serves exactly the document npm run openapi generated, as JSON", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(generated);
  });
});
