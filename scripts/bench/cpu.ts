// CPU time of requests in the bench's workerd. workerd reports no CPU time locally (tail events
// carry `cpuTime: 0`), so two outside measurements are combined:
// - the kernel's count of the time workerd's threads ran (`/proc/<pid>/task/*/schedstat`, in ns):
//   exact CPU time, immune to this shared machine's preemption, but of the whole process (the
//   entry worker, miniflare's simulators, the HTTP stack), so it is also taken for the floor Worker;
// - a V8 CPU profile of the API Worker's own isolate through workerd's inspector, the method of
//   `wrangler check startup`: only our isolate, but sampled in wall time, so time the thread spent
//   descheduled while running our code counts too. workerd does not mark its isolates idle while a
//   request awaits I/O (those samples come out as "(program)", like its native work), so only
//   samples with JavaScript on the stack, and GC, are counted: our JS time, a lower bound.
import { readdir, readFile, readlink } from "node:fs/promises";
import WebSocket from "ws";

/** Listening sockets (inodes) on `port`, from the kernel's tables. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const cols = line.trim().split(/\s+/);
      const localPort = Number.parseInt(cols[1]?.split(":")[1] ?? "", 16);
      if (cols[3] === "0A" && localPort === port && cols[9] !== undefined) {
        inodes.add(cols[9]);
      }
    }
  }
  return inodes;
}

/**
 * The workerd process of process group `group` that listens on `port`: `wrangler dev` runs two
 * (its own proxy and the one running our Workers), and only the port tells them apart.
 */
export async function findWorkerdPid(group: number, port: number): Promise<number | undefined> {
  const inodes = await listeningInodes(port);
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // `pid (comm) state ppid pgrp ...`; comm may hold spaces, so split after its closing paren.
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const pgrp = Number(stat.slice(close + 2).split(" ")[2]);
    if (comm !== "workerd" || pgrp !== group) {
      continue;
    }
    for (const fd of await readdir(`/proc/${entry}/fd`).catch(() => [] as string[])) {
      const target = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) {
        return Number(entry);
      }
    }
  }
  return undefined;
}

/** Time all threads of `pid` have spent on a CPU, in ms (ns resolution). */
export async function processCpuMs(pid: number): Promise<number> {
  let ns = 0;
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const schedstat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => "0");
    ns += Number(schedstat.split(" ")[0] ?? 0);
  }
  return ns / 1e6;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface IsolateProfile {
  /** Sampled time with JavaScript on the stack, plus GC. */
  jsMs: number;
  gcMs: number;
  /** "(program)": native work and, in workerd, waiting on I/O alike; reported, never added. */
  programMs: number;
}

/** A DevTools protocol session with one Worker's isolate (`ws://.../core:user:<name>`). */
export class InspectorSession {
  readonly #ws: WebSocket;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 0;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      const waiter = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (waiter === undefined || message.id === undefined) {
        return;
      }
      this.#pending.delete(message.id);
      if (message.error) {
        waiter.reject(new Error(message.error.message));
      } else {
        waiter.resolve(message.result);
      }
    });
    ws.on("close", () => {
      for (const waiter of this.#pending.values()) {
        waiter.reject(new Error("inspector connection closed"));
      }
      this.#pending.clear();
    });
  }

  static async connect(url: string): Promise<InspectorSession> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return new InspectorSession(ws);
  }

  send(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Profiles the isolate while `work` runs. */
  async profile(work: () => Promise<void>, samplingIntervalUs: number): Promise<IsolateProfile> {
    await this.send("Profiler.enable");
    await this.send("Profiler.setSamplingInterval", { interval: samplingIntervalUs });
    await this.send("Profiler.start");
    let failure: unknown;
    try {
      await work();
    } catch (error) {
      failure = error;
    }
    // Stopped whatever happened: a profiler left running would slow every later row.
    const stopped = (await this.send("Profiler.stop")) as { profile: CpuProfile };
    if (failure !== undefined) {
      throw failure;
    }
    return summarise(stopped.profile);
  }

  close(): void {
    this.#ws.close();
  }
}

function summarise(profile: CpuProfile): IsolateProfile {
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  let jsUs = 0;
  let gcUs = 0;
  let programUs = 0;
  // timeDeltas[i] is the time since the previous sample: charged to sample i, as DevTools does.
  for (const [i, nodeId] of profile.samples.entries()) {
    const name = names.get(nodeId);
    const delta = profile.timeDeltas[i] ?? 0;
    if (name === "(idle)" || name === "(root)") {
      continue;
    }
    if (name === "(program)") {
      programUs += delta;
      continue;
    }
    jsUs += delta;
    if (name === "(garbage collector)") {
      gcUs += delta;
    }
  }
  return { jsMs: jsUs / 1000, gcMs: gcUs / 1000, programMs: programUs / 1000 };
}
