// The KV projection catches up with the newest ledger version this isolate has seen, whatever the
// order in which reads of the ledger and projection writes finish (KV keeps the last write).
import { describe, expect, it } from "vitest";
import type { DefinitionsSnapshot } from "../core/fields/definition";
import { BoundedCache } from "./bounded-cache";
import { keepDefinitionsCurrent, writeProjection } from "./definitions";
import type { Deps } from "./deps";

const TENANT = "6f1c2b7e-9a4d-4c1e-8f57-2b6d0c9e1a11";
const at = (version: number): DefinitionsSnapshot => ({ version, definitions: [] });

/** What the projection rules use of Deps: the ledger reads are answered by the test, one by one. */
function isolate() {
  const reads: ((snapshot: DefinitionsSnapshot) => void)[] = [];
  const written: number[] = [];
  const deferred: Promise<void>[] = [];
  const clock = () => 0;
  const deps = {
    definitions: {
      snapshot: () => new Promise<DefinitionsSnapshot>((resolve) => reads.push(resolve)),
    },
    projections: {
      write: async (_tenantId: string, snapshot: DefinitionsSnapshot) => {
        written.push(snapshot.version);
      },
    },
    isolate: {
      snapshots: new BoundedCache<DefinitionsSnapshot>({ ttlMs: 30_000, maxEntries: 10, clock }),
      floors: new BoundedCache<number>({ ttlMs: 60_000, maxEntries: 10, clock }),
      refreshing: new Map<string, Promise<void>>(),
    },
    defer: (task: () => Promise<void>) => {
      deferred.push(task());
    },
    projectLater: () => {},
  } as unknown as Deps;
  /** Answers the oldest pending ledger read, then lets the refresh go on. */
  const answer = async (version: number) => {
    await until(() => reads.length > 0);
    reads.shift()?.(at(version));
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { deps, written, answer, settled: () => Promise.all(deferred), pendingReads: () => reads.length };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  expect(done()).toBe(true);
}

describe("the KV projection after a change", () => {
  it("a refresh that read an older version reads again for a version committed meanwhile", async () => {
    const { deps, written, answer, settled, pendingReads } = isolate();
    // A statement at version 5 with no delta to apply: the ledger is read after the response.
    keepDefinitionsCurrent(deps, TENANT, undefined, 5, null);
    // While that read is under way, another statement commits version 7: its refresh is not
    // started (one at a time), so the one running must catch up.
    keepDefinitionsCurrent(deps, TENANT, undefined, 7, null);
    await answer(5);
    await answer(7);
    await settled();
    expect(written).toEqual([5, 7]);
    expect(pendingReads()).toBe(0);
  });

  it("a write that lands after a newer version was seen is followed by a fresh one", async () => {
    const { deps, written, answer, settled } = isolate();
    deps.isolate.floors.set(TENANT, 9);
    const write = writeProjection(deps, TENANT, at(8));
    await answer(9);
    await write;
    await settled();
    expect(written).toEqual([8, 9]);
  });

  it("a write of the newest version seen reads nothing more", async () => {
    const { deps, written, settled, pendingReads } = isolate();
    deps.isolate.floors.set(TENANT, 9);
    await writeProjection(deps, TENANT, at(9));
    await settled();
    expect(written).toEqual([9]);
    expect(pendingReads()).toBe(0);
  });
});
