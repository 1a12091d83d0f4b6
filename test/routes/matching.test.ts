import { describe, expect, it } from "vitest";
import { call, fieldRows, ledger, seedTenant, type TenantFixture, updateMetadata } from "../harness";

const putField = (t: TenantFixture, key: string, body: unknown) =>
  call(`/api/public/custom-fields/${encodeURIComponent(key)}`, {
    method: "PUT",
    headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("exact matching against the tenant's definitions", () => {
  it("matches by key, label and alias, ignoring case and accents, and stores under the definition's key", async () => {
    const t = await seedTenant();
    expect(
      (await putField(t, "company_name", { label: "Nombre de la empresa", aliases: ["Empresa"] })).status,
    ).toBe(201);
    expect((await putField(t, "phone", { label: "Teléfono", type: "phone" })).status).toBe(201);
    const { data: definitions } = await (
      await call("/api/public/custom-fields", { headers: { "x-api-key": t.apiKey } })
    ).json<{ data: { id: string; key: string }[] }>();
    const idOf = (key: string) => definitions.find((d) => d.key === key)?.id;

    const res = await updateMetadata(t, { "NOMBRE DE LA EMPRESA": "Acme", telefono: "+34600000000" });
    const body = await res.json<{ key: string; matched_by: string; custom_field_definition_id: string }[]>();
    expect(body.map((f) => [f.key, f.matched_by, f.custom_field_definition_id])).toEqual([
      ["company_name", "exact", idOf("company_name")],
      ["phone", "exact", idOf("phone")],
    ]);

    const again = await updateMetadata(t, { EMPRESA: "Acme 2", Teléfono: "+34611111111", companyName: "x" });
    const second =
      await again.json<{ key: string; matched_by: string; source_key: string; warning?: string }[]>();
    expect(second.map((f) => [f.key, f.matched_by, f.source_key])).toEqual([
      ["phone", "exact", "Teléfono"],
      ["company_name", "exact", "companyName"],
    ]);
    expect(second[1]?.warning).toContain('"EMPRESA"');
    expect((await fieldRows(t.contactId)).map((r) => [r.key, r.value, r.source_key])).toEqual([
      ["company_name", "x", "companyName"],
      ["phone", "+34611111111", "Teléfono"],
    ]);
  });

  it("reports alias matches as alias", async () => {
    const t = await seedTenant();
    await putField(t, "company_name", { aliases: ["empresa"] });
    const res = await updateMetadata(t, { Empresa: "Acme" });
    expect((await res.json<{ matched_by: string }[]>())[0]?.matched_by).toBe("alias");
  });

  it("does not create a definition again for a key it created before", async () => {
    const t = await seedTenant();
    const first = await (await updateMetadata(t, { favouriteColour: "red" })).json<
      { matched_by: string }[]
    >();
    const second = await (await updateMetadata(t, { favourite_colour: "blue" })).json<
      { matched_by: string }[]
    >();
    expect([first[0]?.matched_by, second[0]?.matched_by]).toEqual(["new", "exact"]);
    expect(await ledger(t.tenantId)).toHaveLength(1);
  });

  it("never matches another tenant's definitions", async () => {
    const a = await seedTenant();
    const b = await seedTenant();
    await putField(a, "company_name", { aliases: ["empresa"] });
    const res = await updateMetadata(b, { empresa: "Acme" });
    expect((await res.json<{ key: string; matched_by: string }[]>())[0]).toMatchObject({
      key: "empresa",
      matched_by: "new",
    });
  });
});
