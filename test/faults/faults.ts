// What the "faults" project's tests share: the switch of their proxy's injected failures, and a
// tenant with one stored field to check that a failure left it as it was.
import { expect, inject } from "vitest";
import { seedTenant, type TenantFixture, updateMetadata } from "../harness";

export const setFault = async (mode: "none" | "down" | "drop-after") => {
  const res = await fetch(`${inject("proxyUrl")}/faults`, { method: "POST", body: JSON.stringify({ mode }) });
  expect(res.status).toBe(200);
};

export async function tenantWithOneField(): Promise<TenantFixture> {
  const t = await seedTenant();
  expect((await updateMetadata(t, { kept: "yes" })).status).toBe(200);
  return t;
}
